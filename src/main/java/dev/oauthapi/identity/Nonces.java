package dev.oauthapi.identity;

import dev.oauthapi.redis.NonceStore;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * Nonces for sign-in: the app asks for one, passes it (or its SHA-256) to the Google or Apple SDK,
 * and sends it back with the token. Each is kept in Redis and works once, within its lifetime, so a
 * token captured with its nonce cannot be replayed.
 */
public final class Nonces {
    public static final Duration TTL = Duration.ofMinutes(10);

    private final NonceStore store;
    private final SecureRandom random;

    public Nonces(NonceStore store, SecureRandom random) {
        this.store = store;
        this.random = random;
    }

    public String issue() {
        final byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        final String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        store.save(IdTokenVerifier.sha256Hex(nonce), TTL);
        return nonce;
    }

    /** Makes a taken nonce usable again, when the sign-in that took it failed. */
    public void giveBack(String nonce) {
        store.save(IdTokenVerifier.sha256Hex(nonce), TTL);
    }

    /** True exactly once for a nonce we issued that has not expired. */
    public boolean consume(String nonce) {
        return nonce.length() <= 256 && store.consume(IdTokenVerifier.sha256Hex(nonce));
    }
}
