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
    /**
     * One initialised {@code Mac} per thread: the cached session answer is checked on every
     * authenticated request, and a provider lookup and key schedule each time would be waste.
     */
    private final ThreadLocal<Mac> macs;

    /** @param key the shared key, looked up on each thread's first use (memoize it) */
    public ServerMac(Supplier<byte[]> key) {
        this.key = key;
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.get(), "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The MAC of {@code bytes[0, length)}. */
    public byte[] of(byte[] bytes, int length) {
        final Mac mac = macs.get();
        mac.update(bytes, 0, length); // doFinal resets it for the thread's next use
        return Arrays.copyOf(mac.doFinal(), BYTES);
    }

    /** Whether {@code bytes} is {@code length} signed bytes followed by their MAC (compared in constant time). */
    public boolean signs(byte[] bytes, int length) {
        return bytes.length == length + BYTES
                && MessageDigest.isEqual(of(bytes, length), Arrays.copyOfRange(bytes, length, bytes.length));
    }
}
