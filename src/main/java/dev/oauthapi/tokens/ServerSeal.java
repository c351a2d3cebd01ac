package dev.oauthapi.tokens;

import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * AES-256-GCM under a key every instance shares ({@code server_secrets} in PostgreSQL): a value we
 * hand to a browser, or park in Redis, comes back unread and unaltered, or not at all. What it is
 * for is bound in as associated data, so a sealed value of one kind (or one key) is no value of
 * another.
 */
public final class ServerSeal {
    private final Supplier<byte[]> key;
    private final SecureRandom random;

    /** @param key the shared 32-byte key, looked up on each use (memoize it) */
    public ServerSeal(Supplier<byte[]> key, SecureRandom random) {
        this.key = key;
        this.random = random;
    }

    public byte[] seal(byte[] purpose, byte[] plaintext) {
        return AesGcm.seal(new SecretKeySpec(key.get(), "AES"), purpose, plaintext, random);
    }

    /** The plaintext, or empty when the value was not sealed by us for this purpose, or was altered. */
    public Optional<byte[]> open(byte[] purpose, byte[] sealed) {
        try {
            return Optional.of(AesGcm.open(new SecretKeySpec(key.get(), "AES"), purpose, sealed));
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }
}
