package dev.oauthapi.tokens;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Refresh tokens. One names its session and generation, so that a refresh finds the session by its
 * primary key: {@code session id (16 bytes) | generation (4) | secret (32 random bytes) | MAC (16)},
 * base64url, 91 characters, opaque to apps. The MAC, under a key every instance shares, proves the
 * token ours for that session and generation: a token whose MAC fails is unknown and changes
 * nothing, so knowing a session id (it is public: the {@code sid} claim) cannot sign anyone out.
 * Only the secret's SHA-256 is stored; a plain hash suffices because the secret is as random as a
 * key, so there is nothing to guess.
 *
 * <p>Tokens of older releases ({@link #legacy}) are 256 random bits and nothing else, found by their
 * hash in {@code refresh_tokens}; they are still issued while {@code REFRESH_TOKEN_FORMAT=v1} (a
 * rolling upgrade from such a release), and accepted for one {@code REFRESH_TOKEN_TTL} after.
 */
public final class RefreshTokens {
    private static final int SECRET = 32;
    private static final int SIGNED = 16 + 4 + SECRET;
    private static final int NAMED_LENGTH = ((SIGNED + ServerMac.BYTES) * 4 + 2) / 3;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random;
    private final ServerMac mac;

    /** @param mac under {@code refresh-token-hmac} of {@link ServerSecrets} */
    public RefreshTokens(SecureRandom random, ServerMac mac) {
        this.random = random;
        this.mac = mac;
    }

    /** A token of a session's generation, and the hash the session row keeps of its secret. */
    public record Issued(String token, byte[] hash) {
        @Override
        public String toString() {
            return "Issued[token=[REDACTED]]";
        }
    }

    /** What a token of ours says: its session and generation, and the hash of its secret. */
    public record Presented(UUID sessionId, int generation, byte[] hash) {
    }

    public Issued issue(UUID sessionId, int generation) {
        final byte[] secret = new byte[SECRET];
        random.nextBytes(secret);
        final ByteBuffer signed = ByteBuffer.allocate(SIGNED);
        signed.putLong(sessionId.getMostSignificantBits()).putLong(sessionId.getLeastSignificantBits()).putInt(generation)
                .put(secret);
        return new Issued(mac.seal(signed.array()), Sha256.of(secret));
    }

    /** Whether this is a token that names its session (else an older release's, or garbage). */
    public static boolean namesItsSession(String token) {
        return token != null && token.length() == NAMED_LENGTH;
    }

    /** The session, generation and secret's hash of a token we issued; empty for anything else. */
    public Optional<Presented> read(String token) {
        return mac.open(token, SIGNED).map(bytes -> {
            final ByteBuffer signed = ByteBuffer.wrap(bytes);
            final UUID sessionId = new UUID(signed.getLong(), signed.getLong());
            final int generation = signed.getInt();
            return new Presented(sessionId, generation, Sha256.of(Arrays.copyOfRange(bytes, 20, SIGNED)));
        });
    }

    /** An older release's token: 256 random bits, found by {@link #hash} in {@code refresh_tokens}. */
    public String legacy() {
        final byte[] bytes = new byte[SECRET];
        random.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    /** The hash an older release's token is stored under. */
    public static byte[] hash(String legacyToken) {
        return Sha256.of(legacyToken);
    }
}
