package dev.oauthapi.tokens;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * HMAC-SHA256 cut to 16 bytes, under a key every instance shares: what lets us hand out values
 * (sign-in nonces, list cursors) that come back unforged without storing them. The value signed
 * is the start of a byte array, its MAC the 16 bytes after it.
 */
public final class ServerMac {
    public static final int BYTES = 16;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

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

    /** {@code signed} bytes followed by their MAC, base64url without padding: a value to hand out. */
    public String seal(byte[] signed) {
        final byte[] value = Arrays.copyOf(signed, signed.length + BYTES);
        System.arraycopy(of(signed, signed.length), 0, value, signed.length, BYTES);
        return BASE64URL.encodeToString(value);
    }

    /**
     * The bytes of a value we handed out: {@code signedLength} bytes followed by their MAC (compared
     * in constant time), base64url without padding, in its one spelling (padding or stray low bits
     * would give one value a second spelling, and a second key wherever it is remembered used).
     * Empty for anything else.
     */
    public Optional<byte[]> open(String value, int signedLength) {
        final int length = signedLength + BYTES;
        if (value == null || value.length() != (length * 4 + 2) / 3) {
            return Optional.empty();
        }
        final byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (bytes.length != length || !BASE64URL.encodeToString(bytes).equals(value)
                || !MessageDigest.isEqual(of(bytes, signedLength), Arrays.copyOfRange(bytes, signedLength, length))) {
            return Optional.empty();
        }
        return Optional.of(bytes);
    }
}
