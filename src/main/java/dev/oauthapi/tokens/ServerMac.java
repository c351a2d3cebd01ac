package dev.oauthapi.tokens;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * HMAC-SHA256 cut to 16 bytes, under a key every instance shares: what lets us hand out values
 * (sign-in nonces, list cursors) that come back unforged without storing them. The value signed
 * is the start of a byte array, its MAC the 16 bytes after it.
 */
public final class ServerMac {
    public static final int BYTES = 16;

    private final Supplier<byte[]> key;

    /** @param key the shared key, looked up on each use (memoize it) */
    public ServerMac(Supplier<byte[]> key) {
        this.key = key;
    }

    /** The MAC of {@code bytes[0, length)}. */
    public byte[] of(byte[] bytes, int length) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.get(), "HmacSHA256"));
            mac.update(bytes, 0, length);
            return Arrays.copyOf(mac.doFinal(), BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Whether {@code bytes} is {@code length} signed bytes followed by their MAC (compared in constant time). */
    public boolean signs(byte[] bytes, int length) {
        return bytes.length == length + BYTES
                && MessageDigest.isEqual(of(bytes, length), Arrays.copyOfRange(bytes, length, bytes.length));
    }
}
