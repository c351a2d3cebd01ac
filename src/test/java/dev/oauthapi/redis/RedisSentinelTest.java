package dev.oauthapi.redis;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FailoverLoad;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.Needs;
import dev.oauthapi.testing.Program;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import dev.oauthapi.testing.TestRedisSentinel;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service on Redis with Sentinel (REDIS_MODE=sentinel), real servers started by the test: it
 * works through the sentinels, and after a failover under load (the replica promoted while
 * clients sign in, refresh and sign out) sign-in, refresh, revocation and rate limits work again
 * within seconds; meanwhile no live session was refused and no revoked one accepted.
 */
@Needs(Program.REDIS_SERVER)
@ExtendWith(DropwizardExtensionsSupport.class)
class RedisSentinelTest {
    static final String APPLE_APP = "com.example.sentinel";
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final TestRedisSentinel REDIS = TestRedisSentinel.start();
    static final Map<String, String> ENV = environment();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);

    private static Map<String, String> environment() {
        final Map<String, String> env = new HashMap<>(TestEnvironment.withProviders(GOOGLE, "unused", APPLE, APPLE_APP));
        env.putAll(REDIS.environment());
        env.put("REDIS_HOST", "unused-in-sentinel-mode");
        return env;
    }

    @AfterAll
    static void stop() {
        REDIS.close();
        GOOGLE.close();
        APPLE.close();
    }

    private static TestHttp http() {
        return new TestHttp(APP.getLocalPort());
    }

    private static Answer signIn() {
        return http().post("/api/auth/apple", Map.of("identityToken",
                APPLE.token(APPLE_APP, "001." + UUID.randomUUID()).build()));
    }

    /** Whether a signed-in user's next request was counted in Redis's new primary (not locally). */
    private static boolean countedOnThePrimary(Answer signedIn) {
        if (signedIn.status() != 200) {
            return false;
        }
        http().get("/api/users/me", signedIn.json().path("tokens").path("accessToken").asText());
        final var primary = REDIS.primary();
        try (Jedis jedis = new Jedis(primary.getHost(), primary.getPort())) {
            return primary.getPort() != REDIS.originalPrimaryPort()
                    && jedis.exists("oauth-api:rate:user:{" + signedIn.json().path("user").path("id").asText() + "}");
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    @Test
    void signInRefreshAndRevocationWorkThroughAFailoverUnderLoad() throws Exception {
        final Answer before = signIn();
        assertThat(before.status()).as(before.toString()).isEqualTo(200);
        final String access = before.json().path("tokens").path("accessToken").asText();
        final String refresh = before.json().path("tokens").path("refreshToken").asText();
        assertThat(http().get("/api/users/me", access).header("RateLimit-Limit")).isNotNull();
        final Answer revokedSignIn = signIn();
        final String revokedAccess = revokedSignIn.json().path("tokens").path("accessToken").asText();
        assertThat(http().get("/api/users/me", revokedAccess).status()).isEqualTo(200);
        assertThat(http().post("/api/auth/logout", Map.of(), revokedAccess).status()).isEqualTo(204);
        assertThat(http().get("/api/users/me", revokedAccess).status()).isEqualTo(401);

        final FailoverLoad load = new FailoverLoad(http(), RedisSentinelTest::signIn, revokedAccess, 4);
        final Instant failedOver;
        final Instant recovered;
        Answer after;
        try (load) {
            Thread.sleep(1_000); // load before the failover, so that it lands among requests
            failedOver = Instant.now();
            REDIS.failover();
            final Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (REDIS.primary().getPort() == REDIS.originalPrimaryPort() && Instant.now().isBefore(deadline)) {
                Thread.sleep(100); // polling the sentinels, not waiting for time to pass
            }
            assertThat(REDIS.primary().getPort()).as("the sentinels promoted the replica").isNotEqualTo(REDIS.originalPrimaryPort());
            after = signIn();
            while (!countedOnThePrimary(after) && Instant.now().isBefore(deadline)) {
                Thread.sleep(200); // the pool follows the new primary once the sentinels announce it
                after = signIn();
            }
            recovered = Instant.now();
            Thread.sleep(1_000); // load after the failover too
        }
        System.out.printf("Sentinel failover under load: Redis served again %d ms after the failover began; %d requests: %s%n",
                Duration.between(failedOver, recovered).toMillis(), load.requests(), load.statuses());
        assertThat(load.violations()).as("%d requests: %s", load.requests(), load.statuses()).isEmpty();
        assertThat(load.requests()).isGreaterThan(50);
        assertThat(countedOnThePrimary(after)).as("sign-in and rate limits on the new primary: " + after).isTrue();
        assertThat(Duration.between(failedOver, Instant.now())).isLessThan(Duration.ofSeconds(30));
        assertThat(http().post("/api/auth/refresh", Map.of("refreshToken", refresh)).status()).isEqualTo(200);
        assertThat(http().get("/api/users/me", access).status()).isEqualTo(200);
        assertThat(http().get("/api/users/me", revokedAccess).status()).as("revoked before, revoked after").isEqualTo(401);
        final String newAccess = after.json().path("tokens").path("accessToken").asText();
        assertThat(http().post("/api/auth/logout", Map.of(), newAccess).status()).isEqualTo(204);
        assertThat(http().get("/api/users/me", newAccess).status()).as("revocation works on the new primary")
                .isEqualTo(401);
    }
}
