package dev.oauthapi.passkeys;

import dev.oauthapi.tokens.ServerMac;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * WebAuthn challenges that cost nothing until they are used, like our sign-in nonces: a challenge
 * carries its expiry, the user it was made for (registration) or none (sign-in), and a MAC under a
 * key all instances share ({@code server_secrets}), so a flood of option requests stores nothing.
 * A challenge is remembered only once a ceremony used it (in Redis, until it would have expired:
 * the caller marks it, with {@code SignInMarks}, once the ceremony's checks passed).
 *
 * <p>Layout (57 bytes, sent base64url as WebAuthn's {@code challenge}): version (1), expiry in epoch
 * seconds (8), the user's id or 16 zero bytes (16), random (16), HMAC-SHA256 of those 41 cut to 16.
 */
public final class PasskeyChallenges {
    public static final Duration TTL = Duration.ofMinutes(5);
    private static final byte VERSION = 1;
    private static final int SIGNED = 1 + 8 + 16 + 16;
    private static final int LENGTH = SIGNED + ServerMac.BYTES;
    private static final byte[] NO_USER = new byte[16];

    private final ServerMac mac;
    private final SecureRandom random;
    private final Clock clock;

    /** @param key the shared HMAC key, looked up on first use */
    public PasskeyChallenges(Supplier<byte[]> key, SecureRandom random, Clock clock) {
        this.mac = new ServerMac(key);
        this.random = random;
        this.clock = clock;
    }

    /** A new challenge, for a registration by {@code userId}, or for a sign-in when null. */
    public byte[] issue(UUID userId) {
        final ByteBuffer challenge = ByteBuffer.allocate(LENGTH);
        challenge.put(VERSION).putLong(clock.instant().plus(TTL).getEpochSecond());
        challenge.put(userId == null ? NO_USER : bytes(userId));
        final byte[] randomPart = new byte[16];
        random.nextBytes(randomPart);
        challenge.put(randomPart);
        final byte[] value = challenge.array();
        System.arraycopy(mac.of(value, SIGNED), 0, value, SIGNED, ServerMac.BYTES);
        return value;
    }

    /**
     * The expiry of a challenge we issued for {@code userId} (null: a sign-in's), not expired.
     * Refused as {@code challenge} (not ours, or for another ceremony), {@code challengeExpired}, or
     * {@code challengeUser} (made for another user). Whether it was used is the caller's to mark.
     */
    public Instant open(byte[] challenge, UUID userId) {
        if (challenge == null || challenge.length != LENGTH || challenge[0] != VERSION
                || !MessageDigest.isEqual(mac.of(challenge, SIGNED), Arrays.copyOfRange(challenge, SIGNED, LENGTH))) {
            throw new PasskeyRejected("challenge", "not a challenge this service issued");
        }
        final ByteBuffer read = ByteBuffer.wrap(challenge, 1, SIGNED - 1);
        final Instant expiry = Instant.ofEpochSecond(read.getLong());
        final byte[] user = new byte[16];
        read.get(user);
        if (!clock.instant().isBefore(expiry)) {
            throw new PasskeyRejected("challengeExpired", "the challenge expired; ask for new options");
        }
        if (!Arrays.equals(user, userId == null ? NO_USER : bytes(userId))) {
            throw new PasskeyRejected("challengeUser", userId == null
                    ? "a registration's challenge cannot sign in" : "the challenge was made for another user");
        }
        return expiry;
    }

    private static byte[] bytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
    }
}
