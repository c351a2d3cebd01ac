package dev.oauthapi.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestRedis;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Liveness on the public port, dependency health on the admin port, with a Redis of its own to stop. */
@ExtendWith(DropwizardExtensionsSupport.class)
class HealthChecksTest {
    private static final TestRedis REDIS = TestRedis.startPrivate();
    private static final DropwizardAppExtension<OAuthApiConfiguration> APP =
            TestApp.extension(TestEnvironment.withFreshDatabase(REDIS));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterAll
    static void stopRedis() {
        REDIS.stop();
    }

    @Test
    void publicHealthSaysOkAndNothingMore() throws Exception {
        final HttpResponse<String> response = get(APP.getLocalPort(), "/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void adminPingAnswers() throws Exception {
        final HttpResponse<String> response = get(APP.getAdminPort(), "/ping");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body().strip()).isEqualTo("pong");
    }

    @Test
    void healthcheckNamesBothDependenciesAndTracksRedisGoingAwayAndComingBack() throws Exception {
        JsonNode checks = healthcheck(200);
        assertThat(checks.path("postgresql").path("healthy").asBoolean()).isTrue();
        assertThat(checks.path("redis").path("healthy").asBoolean()).isTrue();

        REDIS.stop();
        try {
            final long started = System.nanoTime();
            checks = healthcheck(500);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            assertThat(checks.path("redis").path("healthy").asBoolean()).isFalse();
            assertThat(checks.path("postgresql").path("healthy").asBoolean()).isTrue();
        } finally {
            REDIS.start();
        }

        checks = healthcheck(200);
        assertThat(checks.path("redis").path("healthy").asBoolean()).isTrue();
    }

    private static JsonNode healthcheck(int expectedStatus) throws IOException, InterruptedException {
        final HttpResponse<String> response = get(APP.getAdminPort(), "/healthcheck");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
