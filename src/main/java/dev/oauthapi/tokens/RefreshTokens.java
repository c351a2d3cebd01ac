package dev.oauthapi.tokens;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Refresh tokens: 256 random bits, base64url. Only their SHA-256 is ever stored; a plain hash
 * suffices because the token is as random as a key, so there is nothing to guess.
 */
public final class RefreshTokens {
    private static final int BYTES = 32;

    private final SecureRandom random;

    public RefreshTokens(SecureRandom random) {
        this.random = random;
    }

    public String generate() {
        final byte[] bytes = new byte[BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] hash(String token) {
        return Sha256.of(token);
    }
}
