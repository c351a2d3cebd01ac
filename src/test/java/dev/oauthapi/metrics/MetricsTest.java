package dev.oauthapi.metrics;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /prometheus} on the admin port after real traffic: the product counters move with each
 * sign-in that succeeds or is refused (with the name of the failed check), each refresh by
 * outcome, each reuse and the sessions it ends; requests are timed by route template, never by
 * raw path; the Dropwizard registry is there through the bridge. The scrape is kept in
 * {@code target/prometheus-scrape.txt}, which {@code .ci/run} hands to {@code promtool check metrics}.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class MetricsTest {
    static final String CLIENT = "metrics.apps.googleusercontent.com";
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final Map<String, String> ENV = TestEnvironment.withProviders(GOOGLE, CLIENT, APPLE, "com.example.metrics");
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);

    @AfterAll
    static void stop() {
        GOOGLE.close();
        APPLE.close();
    }

    private static TestHttp http() {
        return new TestHttp(APP.getLocalPort());
    }

    private static String scrape() {
        final Answer answer = new TestHttp(APP.getAdminPort()).get("/prometheus", null);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("text/plain");
        return answer.response().body();
    }

    /** The value of the one series of {@code name} with these labels (0 when it is not there yet). */
    private static double value(String scrape, String name, String... labels) {
        return scrape.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> {
                    for (String label : labels) {
                        if (!line.contains(label)) {
                            return false;
                        }
                    }
                    return true;
                })
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static Answer signIn(String audience) {
        return http().post("/api/auth/google", Map.of("idToken",
                GOOGLE.token(audience, "m-" + UUID.randomUUID()).email("m@gmail.com", true).build()));
    }

    @Test
    void theProductCountersMoveWithSignInsRefreshesAndReuse() throws IOException {
        final String before = scrape();

        final Answer signedIn = signIn(CLIENT);
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        assertThat(signIn("another.apps.googleusercontent.com").code()).isEqualTo("invalid_id_token");
        final String first = signedIn.json().path("tokens").path("refreshToken").asText();
        final Answer refreshed = http().post("/api/auth/refresh", Map.of("refreshToken", first));
        assertThat(refreshed.status()).isEqualTo(200);
        final String second = refreshed.json().path("refreshToken").asText();
        assertThat(http().post("/api/auth/refresh", Map.of("refreshToken", first)).status()).as("grace").isEqualTo(200);
        assertThat(http().post("/api/auth/refresh", Map.of("refreshToken", second)).status()).isEqualTo(200);
        assertThat(http().post("/api/auth/refresh", Map.of("refreshToken", first)).code()).isEqualTo("refresh_token_reused");
        assertThat(http().post("/api/auth/refresh", Map.of("refreshToken", "nonsense")).code())
                .isEqualTo("invalid_refresh_token");
        final String user = signedIn.json().path("user").path("id").asText();
        http().get("/api/users/me", signedIn.json().path("tokens").path("accessToken").asText());

        http().send(http().request("/api/users/me", null).method("FOO123", java.net.http.HttpRequest.BodyPublishers.noBody()));
        final String after = scrape();
        Files.writeString(Path.of("target", "prometheus-scrape.txt"), after);

        assertThat(delta(before, after, "oauth_sign_ins_total", "provider=\"google\"", "outcome=\"succeeded\"")).isEqualTo(1);
        assertThat(delta(before, after, "oauth_sign_ins_total", "provider=\"google\"", "outcome=\"refused\"")).isEqualTo(1);
        assertThat(delta(before, after, "oauth_sign_in_refusals_total", "provider=\"google\"", "check=\"audience\""))
                .isEqualTo(1);
        assertThat(delta(before, after, "oauth_refreshes_total", "outcome=\"rotated\"")).isEqualTo(2);
        assertThat(delta(before, after, "oauth_refreshes_total", "outcome=\"grace\"")).isEqualTo(1);
        assertThat(delta(before, after, "oauth_refreshes_total", "outcome=\"reused\"")).isEqualTo(1);
        assertThat(delta(before, after, "oauth_refreshes_total", "outcome=\"invalid\"")).isEqualTo(1);
        assertThat(delta(before, after, "oauth_sessions_ended_total", "cause=\"refresh_token_reused\"")).isEqualTo(1);
        assertThat(value(after, "http_server_request_duration_seconds_count", "route=\"/api/auth/refresh\"",
                "status=\"200\"")).isGreaterThanOrEqualTo(3);
        assertThat(value(after, "http_server_request_duration_seconds_count", "route=\"/api/users/me\"")).isPositive();
        assertThat(after).as("no user ids in labels").doesNotContain(user);
        assertThat(after).as("a made-up method is not a label value").doesNotContain("FOO123");
        assertThat(value(after, "oauth_provider_key_fetches_total", "provider=\"google\"", "outcome=\"succeeded\""))
                .isPositive();
        assertThat(value(after, "oauth_provider_keys_age_seconds", "provider=\"google\"")).isGreaterThanOrEqualTo(0);
        assertThat(after).as("the Dropwizard registry, bridged").contains("io_dropwizard_db_managed_pooled_data_source_postgresql_active")
                .contains("jvm_memory_used_bytes")
                .contains("oauth_redis_pool_connections");
    }

    private static double delta(String before, String after, String name, String... labels) {
        return value(after, name, labels) - value(before, name, labels);
    }
}
