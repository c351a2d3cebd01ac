package dev.oauthapi.db;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.Needs;
import dev.oauthapi.testing.Program;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import dev.oauthapi.testing.TestPgBouncer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service behind a real PgBouncer 1.18 in transaction pooling mode (no prepared statements
 * kept across transactions), with the one documented setting, {@code DATABASE_PREPARE_THRESHOLD=0}:
 * sign-in, refresh with its grace and reuse, logout, the admin API's search and stats, a disable,
 * and many at once through a server pool of four connections.
 */
@Needs(Program.PGBOUNCER)
@ExtendWith(DropwizardExtensionsSupport.class)
class PgBouncerTest {
    static final String APPLE_APP = "com.example.bouncer";
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final Map<String, String> DIRECT = TestEnvironment.withProviders(GOOGLE, "unused", APPLE, APPLE_APP);
    static final TestPgBouncer BOUNCER = TestPgBouncer.start(DIRECT);
    static final Map<String, String> ENV = behindBouncer();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);

    private static Map<String, String> behindBouncer() {
        TestApp.migrate(DIRECT); // migrations go straight to PostgreSQL, as an operator runs them
        final Map<String, String> env = new HashMap<>(DIRECT);
        env.put("DATABASE_HOST", "127.0.0.1");
        env.put("DATABASE_PORT", Integer.toString(BOUNCER.port()));
        env.put("DATABASE_PREPARE_THRESHOLD", "0");
        return env;
    }

    @AfterAll
    static void stop() {
        BOUNCER.close();
        GOOGLE.close();
        APPLE.close();
    }

    private static TestHttp http() {
        return new TestHttp(APP.getLocalPort());
    }

    private static Answer signIn(String email) {
        return http().post("/api/auth/apple", Map.of("identityToken",
                APPLE.token(APPLE_APP, "001." + UUID.randomUUID()).email(email, "true").build()));
    }

    @Test
    void theKeyFlowsWorkThroughTransactionPooling() {
        final Answer signedIn = signIn("bouncer-" + UUID.randomUUID() + "@example.com");
        assertThat(signedIn.status()).as(signedIn.toString() + BOUNCER.log()).isEqualTo(200);
        final String access = signedIn.json().path("tokens").path("accessToken").asText();
        String refresh = signedIn.json().path("tokens").path("refreshToken").asText();
        for (int i = 0; i < 8; i++) { // past the driver's default threshold of five uses
            assertThat(http().get("/api/users/me", access).status()).isEqualTo(200);
            final Answer rotated = http().post("/api/auth/refresh", Map.of("refreshToken", refresh));
            assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
            final String previous = refresh;
            refresh = rotated.json().path("refreshToken").asText();
            assertThat(http().post("/api/auth/refresh", Map.of("refreshToken", previous)).status()).as("grace").isEqualTo(200);
        }
        final Answer user = http().get("/api/users/me", access);
        assertThat(http().get("/api/auth/sessions", access).json().path("sessions")).hasSize(1);
        assertThat(http().post("/api/auth/logout", Map.of("scope", "all"), access).status()).isEqualTo(204);
        assertThat(http().post("/api/auth/refresh", Map.of("refreshToken", refresh)).code()).isEqualTo("session_revoked");
        assertThat(user.json().path("id").asText()).isNotEmpty();
    }

    @Test
    void theAdminApiAndTheCommandLineWorkThroughTransactionPooling() {
        final String family = "pool" + UUID.randomUUID().toString().substring(0, 6);
        final Answer admin = signIn(family + "-admin@example.com");
        final String adminId = admin.json().path("user").path("id").asText();
        assertThat(TestApp.run(ENV, "users", "promote", "--id", adminId, "--role", "admin", TestApp.CONFIG).succeeded())
                .isTrue();
        final String token = admin.json().path("tokens").path("accessToken").asText();
        final Answer target = signIn(family + "-user@example.com");

        for (int i = 0; i < 7; i++) {
            final Answer found = http().get("/api/admin/users?q=" + family, token);
            assertThat(found.status()).as(found.toString()).isEqualTo(200);
            assertThat(found.json().path("users")).hasSize(2);
        }
        assertThat(http().get("/api/admin/stats", token).status()).isEqualTo(200);
        final Answer disabled = http().patch("/api/admin/users/" + target.json().path("user").path("id").asText(),
                Map.of("disabled", true), token);
        assertThat(disabled.status()).as(disabled.toString()).isEqualTo(200);
        assertThat(http().get("/api/users/me", target.json().path("tokens").path("accessToken").asText()).status())
                .isEqualTo(401);
    }

    @Test
    void manyAtOnceShareFourServerConnections() throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            final List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                results.add(pool.submit(() -> {
                    final Answer signedIn = signIn("many-" + UUID.randomUUID() + "@example.com");
                    if (signedIn.status() != 200) {
                        return signedIn.status();
                    }
                    return http().post("/api/auth/refresh", Map.of("refreshToken",
                            signedIn.json().path("tokens").path("refreshToken").asText())).status();
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(BOUNCER.log()).contains("login attempt");
    }
}
