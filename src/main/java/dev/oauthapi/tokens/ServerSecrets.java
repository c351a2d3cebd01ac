package dev.oauthapi.tokens;

import com.google.common.base.Suppliers;
import dev.oauthapi.db.ServerSecretDao;
import org.jdbi.v3.core.Jdbi;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Keys every instance shares through PostgreSQL ({@code server_secrets}), one per use: made by the
 * first instance that needs one, read once by each (again on the next use, if PostgreSQL was down).
 */
public final class ServerSecrets {
    /** Signs sign-in nonces. */
    public static final String NONCES = "nonce-hmac";
    /** Signs admin list cursors. */
    public static final String CURSORS = "cursor-hmac";
    /** Seals the browser sign-in's states and grants. */
    public static final String WEB_SIGN_IN = "web-sign-in-seal";
    /** Signs the session answers (with the user's role) cached in Redis. */
    public static final String SESSION_CACHE = "session-cache-hmac";
    /** Signs refresh tokens: proves one ours for its session and generation. */
    public static final String REFRESH_TOKENS = "refresh-token-hmac";
    /** Passkey challenges: each carries its expiry and user under this key. */
    public static final String PASSKEY_CHALLENGES = "passkey-challenge-hmac";
    /** App attestation challenges: each carries its expiry under this key. */
    public static final String APP_CHECK_CHALLENGES = "app-check-challenge-hmac";
    /** Seals the merge tokens of guests whose link conflicts. */
    public static final String MERGE_TOKENS = "merge-token-seal";
    /** DPoP server nonces: each carries the time it was made under this key. */
    public static final String DPOP_NONCES = "dpop-nonce-hmac";

    private ServerSecrets() {
    }

    /** The 32-byte key called {@code name}. */
    public static Supplier<byte[]> shared(Jdbi jdbi, SecureRandom random, Clock clock, String name) {
        return Suppliers.memoize(() -> {
            final byte[] candidate = new byte[32];
            random.nextBytes(candidate);
            return jdbi.withHandle(handle -> new ServerSecretDao(handle).getOrCreate(name, candidate, clock.instant()));
        });
    }
}
