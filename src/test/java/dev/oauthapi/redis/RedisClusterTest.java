package dev.oauthapi.redis;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.oauthapi.testing.TestRedisCluster;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClusterClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service on a real Redis Cluster (REDIS_MODE=cluster: three primaries with a replica each,
 * started by the test): users' keys spread over the nodes while each user's keys share one slot,
 * so the one script of every authenticated request works; sign-in, refresh, revocation, role
 * changes and rate limits work; and when the primary holding a user's keys dies under load, its
 * replica takes over and everything works again within seconds, with no live session refused and
 * no revoked one accepted meanwhile.
 */
@Needs({Program.REDIS_SERVER, Program.REDIS_CLI})
@ExtendWith(DropwizardExtensionsSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisClusterTest {
    static final String APPLE_APP = "com.example.cluster";
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final TestRedisCluster REDIS = TestRedisCluster.start();
    static final Map<String, String> ENV = environment();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);

    private static Map<String, String> environment() {
        final Map<String, String> env = new HashMap<>(TestEnvironment.withProviders(GOOGLE, "unused", APPLE, APPLE_APP));
        env.putAll(REDIS.environment());
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
        return signIn("001." + UUID.randomUUID());
    }

    private static Answer signIn(String subject) {
        return http().post("/api/auth/apple", Map.of("identityToken", APPLE.token(APPLE_APP, subject).build()));
    }

    private static String userId(Answer signedIn) {
        return signedIn.json().path("user").path("id").asText();
    }

    private static String rateCounter(String userId) {
        return "oauth-api:rate:user:{" + userId + "}";
    }

    @Test
    @Order(1)
    void everyPathWorksWithUsersSpreadOverThePrimaries() {
        final List<Answer> users = new ArrayList<>();
        final List<String> subjects = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            subjects.add("001." + UUID.randomUUID());
            final Answer signedIn = signIn(subjects.get(i));
            assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
            users.add(signedIn);
        }
        for (Answer user : users) {
            final String access = user.json().path("tokens").path("accessToken").asText();
            final Answer first = http().get("/api/users/me", access);
            final Answer second = http().get("/api/users/me", access);
            assertThat(first.status()).as(first.toString()).isEqualTo(200);
            assertThat(Long.parseLong(second.header("RateLimit-Remaining")))
                    .as("the user's requests counted in the cluster").isEqualTo(Long.parseLong(first.header("RateLimit-Remaining")) - 1);
            final Answer refreshed = http().post("/api/auth/refresh",
                    Map.of("refreshToken", user.json().path("tokens").path("refreshToken").asText()));
            assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        }
        try (RedisClusterClient cluster = REDIS.client()) {
            for (Answer user : users) {
                assertThat(cluster.get(rateCounter(userId(user)))).as("counted in Redis, not locally").isNotNull();
            }
        }
        assertThat(REDIS.primaryKeyCounts().values().stream().filter(count -> count > 0).count())
                .as("the users' keys are spread over the primaries: " + REDIS.primaryKeyCounts()).isGreaterThanOrEqualTo(2);

        // Sign-out of one session and of every session of a user: refused at once.
        final String access = users.get(0).json().path("tokens").path("accessToken").asText();
        assertThat(http().post("/api/auth/logout", Map.of(), access).status()).isEqualTo(204);
        assertThat(http().get("/api/users/me", access).status()).isEqualTo(401);
        final String other = users.get(1).json().path("tokens").path("accessToken").asText();
        final Answer second = http().post("/api/auth/apple", Map.of("identityToken",
                APPLE.token(APPLE_APP, subjects.get(1)).claim("jti", UUID.randomUUID().toString()).build())); // not a replay
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        assertThat(http().post("/api/auth/logout", Map.of("scope", "all"), other).status()).isEqualTo(204);
        assertThat(http().get("/api/users/me", other).status()).isEqualTo(401);
        assertThat(http().get("/api/users/me", second.json().path("tokens").path("accessToken").asText()).status())
                .as("every session of the user").isEqualTo(401);
    }

    @Test
    @Order(2)
    void aPrimaryThatDiesUnderLoadIsReplacedAndNothingLeaks() throws Exception {
        final Answer revokedSignIn = signIn();
        final String revokedAccess = revokedSignIn.json().path("tokens").path("accessToken").asText();
        assertThat(http().get("/api/users/me", revokedAccess).status()).isEqualTo(200);
        assertThat(http().post("/api/auth/logout", Map.of(), revokedAccess).status()).isEqualTo(204);
        final Answer survivor = signIn();
        final String survivorAccess = survivor.json().path("tokens").path("accessToken").asText();
        final int primary = REDIS.primaryOf(rateCounter(userId(revokedSignIn)));

        final FailoverLoad load = new FailoverLoad(http(), RedisClusterTest::signIn, revokedAccess, 4);
        final Instant killed;
        final Instant recovered;
        try (load) {
            Thread.sleep(1_000); // load before the crash, so that the crash lands among requests
            killed = Instant.now();
            REDIS.kill(primary);
            REDIS.awaitHealthy(Duration.ofSeconds(30));
            recovered = awaitRedisServing(Duration.ofSeconds(30));
            Thread.sleep(1_000); // load after the failover too
        }
        System.out.printf("Cluster failover under load: Redis served again %d ms after the kill; %d requests: %s%n",
                Duration.between(killed, recovered).toMillis(), load.requests(), load.statuses());
        assertThat(load.violations()).as("%d requests: %s", load.requests(), load.statuses()).isEmpty();
        assertThat(load.requests()).isGreaterThan(50);
        assertThat(Duration.between(killed, recovered)).as("Redis serves the service again")
                .isLessThan(Duration.ofSeconds(20));

        // Afterwards: sign-in, refresh, revocation and rate limits, on the promoted replica too.
        assertThat(REDIS.primaryOf(rateCounter(userId(revokedSignIn)))).isNotEqualTo(primary);
        assertThat(http().get("/api/users/me", revokedAccess).status()).as("revoked before, revoked after").isEqualTo(401);
        assertThat(http().get("/api/users/me", survivorAccess).status()).isEqualTo(200);
        final Answer after = signIn();
        assertThat(after.status()).as(after.toString()).isEqualTo(200);
        final Answer refreshed = http().post("/api/auth/refresh",
                Map.of("refreshToken", after.json().path("tokens").path("refreshToken").asText()));
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        final String access = refreshed.json().path("accessToken").asText();
        assertThat(http().get("/api/users/me", access).status()).isEqualTo(200);
        try (RedisClusterClient cluster = REDIS.client()) {
            assertThat(cluster.get(rateCounter(userId(after)))).as("rate limits count in Redis again").isNotNull();
        }
        assertThat(http().post("/api/auth/logout", Map.of(), access).status()).isEqualTo(204);
        assertThat(http().get("/api/users/me", access).status()).isEqualTo(401);
    }

    /** When the service's requests reach Redis again: a new user's request is counted in the cluster. */
    private static Instant awaitRedisServing(Duration limit) throws InterruptedException {
        final Instant deadline = Instant.now().plus(limit);
        try (RedisClusterClient cluster = REDIS.client()) {
            while (Instant.now().isBefore(deadline)) {
                final Answer signedIn = signIn();
                if (signedIn.status() == 200) {
                    final JsonNode tokens = signedIn.json().path("tokens");
                    http().get("/api/users/me", tokens.path("accessToken").asText());
                    try {
                        if (cluster.get(rateCounter(userId(signedIn))) != null) {
                            return Instant.now();
                        }
                    } catch (redis.clients.jedis.exceptions.JedisException notYet) {
                        // the test's own client meets the failover too
                    }
                }
                Thread.sleep(200); // polling the service until Redis answers it again
            }
        }
        throw new AssertionError("the service did not use Redis again within " + limit);
    }
}
