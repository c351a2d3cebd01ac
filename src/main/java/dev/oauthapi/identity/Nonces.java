package dev.oauthapi.identity;

import dev.oauthapi.tokens.ServerMac;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Nonces for sign-in: the app asks for one, passes it (or its SHA-256) to the Google or Apple SDK,
 * and sends it back with the token; each works once, within its lifetime, so a token captured with
 * its nonce cannot be replayed.
 *
 * <p>Issuing one costs nothing to store: a nonce carries its own expiry and an HMAC over it, under
 * a key all instances share ({@code server_secrets} in PostgreSQL), so anyone may ask for millions
 * without filling Redis. Only a nonce that is used is remembered, in Redis until it expires, and
 * using one takes a provider token that verified: a flood costs the flooder real sign-ins.
 *
 * <p>Layout, base64url without padding: version (1 byte), expiry in epoch seconds (8), random
 * (16), HMAC-SHA256 of the first 25 bytes cut to 16 bytes.
 */
public final class Nonces {
    public static final Duration TTL = Duration.ofMinutes(10);
    private static final byte VERSION = 1;
    private static final int SIGNED = 1 + 8 + 16;

    private final ServerMac mac;
    private final SecureRandom random;
    private final Clock clock;

    /** @param key the shared HMAC key, looked up on first use (and again until that works) */
    public Nonces(Supplier<byte[]> key, SecureRandom random, Clock clock) {
        this.mac = new ServerMac(key);
        this.random = random;
        this.clock = clock;
    }

    public String issue() {
        final ByteBuffer nonce = ByteBuffer.allocate(SIGNED);
        nonce.put(VERSION).putLong(clock.instant().plus(TTL).getEpochSecond());
        final byte[] randomPart = new byte[16];
        random.nextBytes(randomPart);
        nonce.put(randomPart);
        return mac.seal(nonce.array());
    }

    /**
     * The nonce's expiry if it is one of ours, intact and not expired; else null. Whether it was
     * used is the sign-in's to mark, with the token that carries it ({@code SignInMarks}).
     */
    public Instant expiry(String nonce) {
        final byte[] bytes = mac.open(nonce, SIGNED).filter(opened -> opened[0] == VERSION).orElse(null);
        if (bytes == null) {
            return null;
        }
        final Instant expiry = Instant.ofEpochSecond(ByteBuffer.wrap(bytes, 1, 8).getLong());
        return clock.instant().isBefore(expiry) ? expiry : null;
    }
}
