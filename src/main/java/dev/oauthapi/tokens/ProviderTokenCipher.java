package dev.oauthapi.tokens;

import dev.oauthapi.errors.Misconfiguration;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encrypts provider refresh tokens (Apple's) at rest with AES-256-GCM. The key setting
 * ({@code APPLE_TOKEN_ENCRYPTION_KEY}) is {@code KEYID:BASE64KEY[,KEYID:BASE64KEY...]}: the first
 * key encrypts, every key decrypts, and each ciphertext is stored with the id of its key, so a
 * key is rotated by putting a new one first and dropping the old one once nothing uses it.
 */
public final class ProviderTokenCipher {

    /** A token as stored: the ciphertext (IV first) and the id of the key that made it. */
    public record Sealed(byte[] ciphertext, String keyId) {
    }

    private final String currentKeyId;
    private final Map<String, SecretKeySpec> keys;
    private final SecureRandom random;

    private ProviderTokenCipher(String currentKeyId, Map<String, SecretKeySpec> keys, SecureRandom random) {
        this.currentKeyId = currentKeyId;
        this.keys = keys;
        this.random = random;
    }

    /** @throws Misconfiguration naming what is wrong with the setting, never the key */
    public static ProviderTokenCipher parse(String setting, SecureRandom random) {
        final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        for (String entry : setting.split(",")) {
            final String[] parts = entry.strip().split(":", 2);
            if (parts.length != 2 || !parts[0].matches("[A-Za-z0-9._-]{1,64}")) {
                throw new Misconfiguration("APPLE_TOKEN_ENCRYPTION_KEY must be KEYID:BASE64KEY[,KEYID:BASE64KEY...]"
                        + " (key ids of letters, digits, '.', '_' or '-').");
            }
            final byte[] key;
            try {
                key = Base64.getDecoder().decode(parts[1].strip());
            } catch (IllegalArgumentException e) {
                throw new Misconfiguration("APPLE_TOKEN_ENCRYPTION_KEY: the key of '" + parts[0] + "' is not base64.");
            }
            if (key.length != 32) {
                throw new Misconfiguration("APPLE_TOKEN_ENCRYPTION_KEY: the key of '" + parts[0]
                        + "' must be 32 bytes (openssl rand -base64 32).");
            }
            keys.put(parts[0], new SecretKeySpec(key, "AES"));
        }
        return new ProviderTokenCipher(keys.keySet().iterator().next(), Map.copyOf(keys), random);
    }

    public Sealed seal(String token) {
        // The key id is bound to the ciphertext: it cannot be relabelled to another key.
        return new Sealed(AesGcm.seal(keys.get(currentKeyId), associated(currentKeyId),
                token.getBytes(StandardCharsets.UTF_8), random), currentKeyId);
    }

    /** @throws IllegalStateException when the key is gone or the ciphertext was altered */
    public String open(Sealed sealed) {
        final SecretKeySpec key = keys.get(sealed.keyId());
        try {
            if (key == null) {
                throw new GeneralSecurityException("no key '" + sealed.keyId() + "' in APPLE_TOKEN_ENCRYPTION_KEY");
            }
            return new String(AesGcm.open(key, associated(sealed.keyId()), sealed.ciphertext()), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot decrypt a provider token sealed with key '" + sealed.keyId() + "'", e);
        }
    }

    private static byte[] associated(String keyId) {
        return keyId.getBytes(StandardCharsets.US_ASCII);
    }
}
