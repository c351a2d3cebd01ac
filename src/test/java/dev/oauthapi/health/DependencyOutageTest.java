package dev.oauthapi.health;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import dev.oauthapi.testing.TestPostgres;
import dev.oauthapi.testing.TestRedis;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service with its own Redis and its own PostgreSQL, which the tests stop and start: revoked
 * sessions stay refused and live ones keep working without Redis; without PostgreSQL requests that
 * need it answer 503 within the pool's bound, and the service recovers by itself.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DependencyOutageTest {
    static final String CLIENT = "com.example.app";
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final TestRedis REDIS = TestRedis.startPrivate();
    static final TestPostgres.Private POSTGRES = TestPostgres.startPrivate();
    static final Map<String, String> ENV = environment();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);

    private static Map<String, String> environment() {
        final Map<String, String> env = new HashMap<>(TestEnvironment.withFreshDatabase(REDIS));
        env.putAll(POSTGRES.environment());
        env.put("APPLE_CLIENT_IDS", CLIENT);
        env.put("APPLE_JWKS_URL", APPLE.jwksUrl().toString());
        return env;
    }

    @AfterAll
    static void stop() {
        APPLE.close();
        REDIS.stop();
        POSTGRES.stop();
    }

    private static TestHttp http() {
        return new TestHttp(APP.getLocalPort());
    }

    private static Answer signIn(String subject) {
        final Answer answer = http().post("/api/auth/apple", Map.of("identityToken",
                APPLE.token(CLIENT, subject).claim("jti", UUID.randomUUID().toString()).build()));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer;
    }

    private static String access(Answer signIn) {
        return signIn.json().path("tokens").path("accessToken").asText();
    }

    @Test
    @Order(1)
    void withRedisDownRevokedSessionsStayRefusedAndLiveOnesKeepWorking() {
        final String subject = "001." + UUID.randomUUID();
        final Answer revoked = signIn(subject);
        final Answer live = signIn(subject);
        assertThat(http().get("/api/users/me", access(live)).status()).isEqualTo(200);
        assertThat(http().post("/api/auth/logout", Map.of(), access(revoked)).status()).isEqualTo(204);

        REDIS.stop();
        try {
            assertThat(http().get("/api/users/me", access(revoked)).status()).isEqualTo(401);
            assertThat(http().get("/api/users/me", access(live)).status()).isEqualTo(200);

            // A revocation while Redis is away takes effect too (PostgreSQL and the local tombstone).
            final Answer alsoLive = signInWithRedisDown(subject);
            assertThat(alsoLive.status()).as("sign-in needs Redis for single use: 503, not a token").isEqualTo(503);
            assertThat(http().post("/api/auth/logout", Map.of(), access(live)).status()).isEqualTo(204);
            assertThat(http().get("/api/users/me", access(live)).status()).isEqualTo(401);
        } finally {
            REDIS.start();
        }
        assertThat(http().get("/api/users/me", access(live)).status()).as("still refused once Redis is back").isEqualTo(401);
        assertThat(http().get("/api/users/me", access(signIn(subject))).status()).isEqualTo(200);
    }

    private static Answer signInWithRedisDown(String subject) {
        return http().post("/api/auth/apple", Map.of("identityToken",
                APPLE.token(CLIENT, subject).claim("jti", UUID.randomUUID().toString()).build()));
    }

    @Test
    @Order(2)
    void withPostgresDownRequestsThatNeedItAnswer503QuicklyAndTheServiceRecovers() {
        final Answer session = signIn("001." + UUID.randomUUID());
        final String refreshToken = session.json().path("tokens").path("refreshToken").asText();

        POSTGRES.stop();
        try {
            final long started = System.nanoTime();
            final Answer refresh = http().post("/api/auth/refresh", Map.of("refreshToken", refreshToken));
            final Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(refresh.status()).as(refresh.toString()).isEqualTo(503);
            assertThat(refresh.code()).isEqualTo("service_unavailable");
            assertThat(refresh.header("Retry-After")).isNotNull();
            assertThat(took).as("bounded by the pool's 2 s wait").isLessThan(Duration.ofSeconds(5));
            final Answer signIn = http().post("/api/auth/apple", Map.of("identityToken",
                    APPLE.token(CLIENT, "001." + UUID.randomUUID()).build()));
            assertThat(signIn.status()).as("no token that was not stored").isEqualTo(503);
            assertThat(signIn.json().has("tokens")).isFalse();
            final Answer oauth = http().postForm("/oauth/token", Map.of("grant_type", "refresh_token",
                    "refresh_token", refreshToken, "client_id", CLIENT), Map.of());
            assertThat(oauth.status()).as(oauth.toString()).isEqualTo(503);
            assertThat(oauth.json().path("error").asText()).isEqualTo("temporarily_unavailable");
            assertThat(oauth.json().path("code").asText()).isEqualTo("service_unavailable");
            assertThat(oauth.header("Retry-After")).isNotNull();
        } finally {
            POSTGRES.start();
        }

        final Answer recovered = http().post("/api/auth/refresh", Map.of("refreshToken", refreshToken));
        assertThat(recovered.status()).as(recovered.toString()).isEqualTo(200);
    }
}
