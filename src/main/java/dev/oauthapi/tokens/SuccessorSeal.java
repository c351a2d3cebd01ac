package dev.oauthapi.tokens;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Lets a refresh token, and only it, recover the token that replaced it. When token T is rotated
 * to T', we store T' encrypted (AES-256-GCM) under a key derived from T. Presented again within the
 * grace period, T opens the seal and the same T' is answered, so concurrent or retried refreshes
 * agree on one current token, while the database holds no usable token: T itself is stored only as
 * a hash, under a different derivation than the key.
 */
public final class SuccessorSeal {
    private static final byte[] KEY_CONTEXT = "oauth-api refresh successor key v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_ASSOCIATED_DATA = new byte[0];

    private final SecureRandom random;

    public SuccessorSeal(SecureRandom random) {
        this.random = random;
    }

    public byte[] seal(String predecessor, String successor) {
        return AesGcm.seal(key(predecessor), NO_ASSOCIATED_DATA, successor.getBytes(StandardCharsets.US_ASCII), random);
    }

    /** The successor, or empty if the seal was not made with this predecessor or was altered. */
    public Optional<String> open(String predecessor, byte[] sealed) {
        try {
            return Optional.of(new String(AesGcm.open(key(predecessor), NO_ASSOCIATED_DATA, sealed),
                    StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private static SecretKeySpec key(String token) {
        try {
            final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(KEY_CONTEXT);
            return new SecretKeySpec(sha256.digest(token.getBytes(StandardCharsets.US_ASCII)), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
