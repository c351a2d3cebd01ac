package dev.oauthapi.tokens;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/** AES-256-GCM as the service stores it: a fresh 12-byte IV, then ciphertext and tag. */
final class AesGcm {
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private AesGcm() {
    }

    /** @param associated bound to the ciphertext without being stored in it (may be empty) */
    static byte[] seal(SecretKeySpec key, byte[] associated, byte[] plaintext, SecureRandom random) {
        final byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            final byte[] sealed = cipher(Cipher.ENCRYPT_MODE, key, associated, iv).doFinal(plaintext);
            final byte[] out = Arrays.copyOf(iv, IV_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    /** @throws GeneralSecurityException when the key is wrong or the bytes were altered */
    static byte[] open(SecretKeySpec key, byte[] associated, byte[] sealed) throws GeneralSecurityException {
        if (sealed == null || sealed.length <= IV_BYTES) {
            throw new GeneralSecurityException("too short to be sealed");
        }
        return cipher(Cipher.DECRYPT_MODE, key, associated, Arrays.copyOf(sealed, IV_BYTES))
                .doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
    }

    private static Cipher cipher(int mode, SecretKeySpec key, byte[] associated, byte[] iv)
            throws GeneralSecurityException {
        final Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        if (associated.length > 0) {
            aes.updateAAD(associated);
        }
        return aes;
    }
}
