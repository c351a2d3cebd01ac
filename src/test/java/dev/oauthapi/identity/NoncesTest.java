package dev.oauthapi.identity;

import dev.oauthapi.config.RedisConfig;
import dev.oauthapi.config.Secret;
import dev.oauthapi.redis.Redis;
import dev.oauthapi.testing.MutableClock;
import dev.oauthapi.testing.TestRedis;
import io.dropwizard.util.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Signed nonces on real Redis: issuing stores nothing, each works once, and only until it expires. */
class NoncesTest {
    static final TestRedis REDIS = TestRedis.startPrivate();
    static final Redis CLIENT = Redis.connect(new RedisConfig("127.0.0.1", REDIS.port(), Secret.of(""), 0, 4,
            Duration.seconds(1), Duration.seconds(1), Duration.seconds(1)));
    static final byte[] KEY = new byte[32];
    final MutableClock clock = MutableClock.startingNow();
    final Nonces nonces = new Nonces(() -> KEY, new SecureRandom(), clock);

    @AfterAll
    static void stop() {
        CLIENT.stop();
        REDIS.stop();
    }

    @Test
    void issuingAThousandNoncesStoresNothingInRedis() {
        final long before = REDIS.client().dbSize();

        for (int i = 0; i < 1000; i++) {
            nonces.issue();
        }

        assertThat(REDIS.client().dbSize()).isEqualTo(before);
    }

    @Test
    void aNonceOfOursCarriesItsExpiry() {
        final String nonce = nonces.issue();

        assertThat(nonces.expiry(nonce)).isEqualTo(clock.instant().plus(Nonces.TTL).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    @Test
    void anExpiredNonceIsRefused() {
        final String nonce = nonces.issue();

        clock.advance(Nonces.TTL);

        assertThat(nonces.expiry(nonce)).isNull();
    }

    @Test
    void aNonceWeDidNotIssueIsRefused() {
        final String ours = nonces.issue();
        final byte[] bytes = Base64.getUrlDecoder().decode(ours);
        bytes[5] ^= 1; // a later expiry, say
        final Nonces otherKey = new Nonces(() -> new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
                12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}, new SecureRandom(), clock);

        assertThat(nonces.expiry(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))).isNull();
        assertThat(nonces.expiry(otherKey.issue())).isNull();
        for (String junk : new String[] {"", "abc", "!!!!", "x".repeat(500), ours.substring(1)}) {
            assertThat(nonces.expiry(junk)).as(junk).isNull();
        }
        assertThat(nonces.expiry(ours)).isNotNull();
    }

    /** Two spellings of one nonce would be two keys where it is remembered used: only ours counts. */
    @Test
    void aNonceHasOneSpelling() {
        final String ours = nonces.issue();
        final char last = ours.charAt(ours.length() - 1);
        // The last character of 41 bytes in base64url carries 4 bits of them and 2 that must be 0.
        final String strayBits = ours.substring(0, ours.length() - 1)
                + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".charAt(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".indexOf(last) | 1);

        assertThat(nonces.expiry(ours + "=")).isNull();
        assertThat(nonces.expiry(strayBits)).isNull();
        assertThat(nonces.expiry(ours)).isNotNull();
    }
}
