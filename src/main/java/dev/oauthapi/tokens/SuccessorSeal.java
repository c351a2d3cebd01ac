package dev.oauthapi.tokens;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
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
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random;

    public SuccessorSeal(SecureRandom random) {
        this.random = random;
    }

    public byte[] seal(String predecessor, String successor) {
        final byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            final Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, key(predecessor), new GCMParameterSpec(TAG_BITS, iv));
            final byte[] sealed = aes.doFinal(successor.getBytes(StandardCharsets.US_ASCII));
            final byte[] out = Arrays.copyOf(iv, IV_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    /** The successor, or empty if the seal was not made with this predecessor or was altered. */
    public Optional<String> open(String predecessor, byte[] sealed) {
        if (sealed == null || sealed.length <= IV_BYTES) {
            return Optional.empty();
        }
        try {
            final Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(Cipher.DECRYPT_MODE, key(predecessor), new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
            return Optional.of(new String(aes.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES), StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private static SecretKeySpec key(String token) throws GeneralSecurityException {
        final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(KEY_CONTEXT);
        return new SecretKeySpec(sha256.digest(token.getBytes(StandardCharsets.US_ASCII)), "AES");
    }
}
