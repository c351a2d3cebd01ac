package dev.oauthapi.appcheck;

import dev.oauthapi.tokens.ServerMac;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * App attestation challenges that cost nothing until used, like sign-in nonces: each carries its
 * expiry and a MAC under a key all instances share ({@code server_secrets}), base64url without
 * padding, so Play Integrity takes it as its {@code nonce} or {@code requestHash} as it is, and App
 * Attest hashes its UTF-8 bytes into the client data. Whether one was used is the attestation's to
 * mark, once its checks passed.
 *
 * <p>Layout: version (1 byte), expiry in epoch seconds (8), random (24), HMAC-SHA256 of those cut
 * to 16 bytes: 49 bytes, 66 characters.
 */
public final class AppCheckChallenges {
    public static final Duration TTL = Duration.ofMinutes(5);
    private static final byte VERSION = 1;
    private static final int SIGNED = 1 + 8 + 24;

    private final ServerMac mac;
    private final SecureRandom random;
    private final Clock clock;

    /** @param key the shared HMAC key, looked up on first use */
    public AppCheckChallenges(Supplier<byte[]> key, SecureRandom random, Clock clock) {
        this.mac = new ServerMac(key);
        this.random = random;
        this.clock = clock;
    }

    public String issue() {
        final ByteBuffer challenge = ByteBuffer.allocate(SIGNED);
        challenge.put(VERSION).putLong(clock.instant().plus(TTL).getEpochSecond());
        final byte[] randomPart = new byte[24];
        random.nextBytes(randomPart);
        challenge.put(randomPart);
        return mac.seal(challenge.array());
    }

    /**
     * The expiry of a challenge we issued and that has not expired. Refused as {@code challenge}
     * (not ours) or {@code challengeExpired}.
     */
    public Instant open(String challenge) {
        final byte[] bytes = mac.open(challenge, SIGNED).filter(opened -> opened[0] == VERSION)
                .orElseThrow(() -> new AppCheckRejected("challenge", "not a challenge this service issued"));
        final Instant expiry = Instant.ofEpochSecond(ByteBuffer.wrap(bytes, 1, 8).getLong());
        if (!clock.instant().isBefore(expiry)) {
            throw new AppCheckRejected("challengeExpired", "the challenge expired; ask for a new one");
        }
        return expiry;
    }
}
