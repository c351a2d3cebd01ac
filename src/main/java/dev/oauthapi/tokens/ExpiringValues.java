package dev.oauthapi.tokens;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Values we hand out that carry their own expiry and a MAC under a key all instances share
 * ({@code server_secrets}): sign-in nonces, app attestation challenges. Issuing one stores nothing,
 * so anyone may ask for millions without filling Redis; whoever uses one marks it used.
 *
 * <p>Layout, base64url without padding ({@link ServerMac#seal}): version 1 (1 byte), expiry in
 * epoch seconds (8), random ({@code randomBytes}), HMAC-SHA256 of those cut to 16 bytes.
 */
public final class ExpiringValues {
    private static final byte VERSION = 1;

    private final ServerMac mac;
    private final SecureRandom random;
    private final Clock clock;
    private final Duration ttl;
    private final int randomBytes;

    /** @param key the shared HMAC key, looked up on first use (and again until that works) */
    public ExpiringValues(Supplier<byte[]> key, SecureRandom random, Clock clock, Duration ttl, int randomBytes) {
        this.mac = new ServerMac(key);
        this.random = random;
        this.clock = clock;
        this.ttl = ttl;
        this.randomBytes = randomBytes;
    }

    public String issue() {
        final ByteBuffer value = ByteBuffer.allocate(1 + 8 + randomBytes);
        value.put(VERSION).putLong(clock.instant().plus(ttl).getEpochSecond());
        final byte[] randomPart = new byte[randomBytes];
        random.nextBytes(randomPart);
        value.put(randomPart);
        return mac.seal(value.array());
    }

    /** The expiry of a value we issued, intact, whether or not it has passed; empty for anything else. */
    public Optional<Instant> expiryOf(String value) {
        return mac.open(value, 1 + 8 + randomBytes).filter(opened -> opened[0] == VERSION)
                .map(opened -> Instant.ofEpochSecond(ByteBuffer.wrap(opened, 1, 8).getLong()));
    }

    /** Whether an expiry has passed, by the service's clock. */
    public boolean hasPassed(Instant expiry) {
        return !clock.instant().isBefore(expiry);
    }
}
