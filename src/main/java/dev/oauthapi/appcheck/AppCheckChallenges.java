package dev.oauthapi.appcheck;

import dev.oauthapi.tokens.ExpiringValues;

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
 * <p>Layout: {@link ExpiringValues} with 24 random bytes: 49 bytes, 66 characters.
 */
public final class AppCheckChallenges {
    public static final Duration TTL = Duration.ofMinutes(5);

    private final ExpiringValues values;

    /** @param key the shared HMAC key, looked up on first use */
    public AppCheckChallenges(Supplier<byte[]> key, SecureRandom random, Clock clock) {
        this.values = new ExpiringValues(key, random, clock, TTL, 24);
    }

    public String issue() {
        return values.issue();
    }

    /**
     * The expiry of a challenge we issued and that has not expired. Refused as {@code challenge}
     * (not ours) or {@code challengeExpired}.
     */
    public Instant open(String challenge) {
        final Instant expiry = values.expiryOf(challenge)
                .orElseThrow(() -> new AppCheckRejected("challenge", "not a challenge this service issued"));
        if (values.hasPassed(expiry)) {
            throw new AppCheckRejected("challengeExpired", "the challenge expired; ask for a new one");
        }
        return expiry;
    }
}
