package dev.oauthapi.redis;

import dev.oauthapi.config.RedisConfig;
import dev.oauthapi.config.Secret;
import dev.oauthapi.testing.TestRedis;
import io.dropwizard.util.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A sign-in's provider token and nonce: each works once, marked together in one script, given back on failure. */
class SignInMarksTest {
    static final TestRedis REDIS = TestRedis.startPrivate();
    static final Redis CLIENT = Redis.connect(new RedisConfig("127.0.0.1", REDIS.port(), Secret.of(""), 0, 4,
            Duration.seconds(1), Duration.seconds(1), Duration.seconds(1)));
    static final SignInMarks MARKS = new SignInMarks(CLIENT);
    static final java.time.Duration TEN_MINUTES = java.time.Duration.ofMinutes(10);

    @AfterAll
    static void stop() {
        CLIENT.stop();
        REDIS.stop();
    }

    private static SignInMarks.Mark mark() {
        return new SignInMarks.Mark(UUID.randomUUID().toString(), TEN_MINUTES);
    }

    @Test
    void aTokenAndANonceWorkOnceAndAfterAFailedSignInOnceMore() {
        final SignInMarks.Mark token = mark();
        final SignInMarks.Mark nonce = mark();

        assertThat(MARKS.take("t1", token, nonce)).isEqualTo(SignInMarks.Taken.BOTH);
        assertThat(MARKS.take("t1", token, mark())).isEqualTo(SignInMarks.Taken.TOKEN_USED);
        assertThat(MARKS.take("t1", mark(), nonce)).isEqualTo(SignInMarks.Taken.NONCE_USED);
        assertThat(MARKS.take("t1", null, nonce)).isEqualTo(SignInMarks.Taken.NONCE_USED);
        MARKS.giveBack("t1", token, nonce);
        assertThat(MARKS.take("t1", token, nonce)).isEqualTo(SignInMarks.Taken.BOTH);
    }

    @Test
    void aRefusedTakeMarksNothing() {
        final SignInMarks.Mark used = mark();
        MARKS.take("t2", used, null);
        final SignInMarks.Mark fresh = mark();

        assertThat(MARKS.take("t2", used, fresh)).isEqualTo(SignInMarks.Taken.TOKEN_USED);

        assertThat(MARKS.take("t2", null, fresh)).as("the nonce was not marked").isEqualTo(SignInMarks.Taken.BOTH);
    }

    @Test
    void bothKeysShareTheTagAndAreRememberedOnlyUntilTheyWouldHaveExpired() {
        final SignInMarks.Mark token = mark();
        final SignInMarks.Mark nonce = new SignInMarks.Mark(UUID.randomUUID().toString(), java.time.Duration.ofMinutes(3));

        MARKS.take("t3", token, nonce);

        final String tokenKey = "oauth-api:used-id-token:{t3}" + token.hash();
        final String nonceKey = "oauth-api:nonce-used:{t3}" + nonce.hash();
        assertThat(REDIS.client().pttl(tokenKey)).isBetween(1L, TEN_MINUTES.toMillis());
        assertThat(REDIS.client().pttl(nonceKey)).isBetween(1L, java.time.Duration.ofMinutes(3).toMillis());
        assertThat(redis.clients.jedis.util.JedisClusterCRC16.getSlot(tokenKey))
                .isEqualTo(redis.clients.jedis.util.JedisClusterCRC16.getSlot(nonceKey));
    }

    @Test
    void nothingToMarkIsNoRoundTrip() {
        assertThat(MARKS.take("t4", null, null)).isEqualTo(SignInMarks.Taken.BOTH);
    }
}
