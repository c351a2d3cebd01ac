package dev.oauthapi.db;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import dev.oauthapi.testing.TestPostgres;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two roles, as the Docker stack makes them (docker/database/init-db.sh): {@code db migrate} runs
 * as the schema's owner ({@code DATABASE_MIGRATION_USERNAME}), the service as a role that may read
 * and write rows and nothing else. Every flow works so, and the service's role can change no table.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class DatabaseRolesTest {
    static final String APPLE_APP = "com.example.roles-db";
    static final String SUFFIX = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    static final String OWNER = "owner_" + SUFFIX;
    static final String SERVICE = "service_" + SUFFIX;
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final Map<String, String> ENV = environment();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);

    private static Map<String, String> environment() {
        final Map<String, String> admin = TestEnvironment.withProviders(GOOGLE, "unused", APPLE, APPLE_APP);
        final String database = admin.get("DATABASE_NAME");
        // What init-db.sh does on a fresh data folder, here as the test server's superuser.
        try (Connection connection = TestPostgres.shared().connect(database); Statement sql = connection.createStatement()) {
            sql.execute("CREATE ROLE " + OWNER + " LOGIN PASSWORD 'owner-password'");
            sql.execute("CREATE ROLE " + SERVICE + " LOGIN PASSWORD 'service-password'");
            sql.execute("ALTER DATABASE " + database + " OWNER TO " + OWNER);
            sql.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            sql.execute("GRANT CREATE, USAGE ON SCHEMA public TO " + OWNER);
            sql.execute("GRANT USAGE ON SCHEMA public TO " + SERVICE);
            sql.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + OWNER + " IN SCHEMA public"
                    + " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO " + SERVICE);
            sql.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + OWNER + " IN SCHEMA public"
                    + " GRANT USAGE, SELECT ON SEQUENCES TO " + SERVICE);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        final Map<String, String> env = new HashMap<>(admin);
        env.put("DATABASE_MIGRATION_USERNAME", OWNER);
        env.put("DATABASE_MIGRATION_PASSWORD", "owner-password");
        env.put("DATABASE_USERNAME", SERVICE);
        env.put("DATABASE_PASSWORD", "service-password");
        TestApp.migrate(env);
        return env;
    }

    @AfterAll
    static void stop() {
        GOOGLE.close();
        APPLE.close();
    }

    private static Connection asService() throws SQLException {
        return DriverManager.getConnection(TestPostgres.shared().jdbcUrl(ENV.get("DATABASE_NAME")), SERVICE, "service-password");
    }

    @Test
    void theServiceWorksAsARoleThatOnlyReadsAndWritesRows() {
        final TestHttp http = new TestHttp(APP.getLocalPort());
        final Answer signedIn = http.post("/api/auth/apple", Map.of("identityToken",
                APPLE.token(APPLE_APP, "001." + UUID.randomUUID()).email("roles-" + SUFFIX + "@example.com", "true").build()));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        final Answer rotated = http.post("/api/auth/refresh",
                Map.of("refreshToken", signedIn.json().path("tokens").path("refreshToken").asText()));
        assertThat(rotated.status()).isEqualTo(200);
        final String access = rotated.json().path("accessToken").asText();
        assertThat(http.patch("/api/profile", Map.of("name", "Owner Not"), access).status()).isEqualTo(200);
        assertThat(http.delete("/api/profile", access).status()).isEqualTo(204);
    }

    @Test
    void theServicesRoleCannotChangeTheSchema() throws SQLException {
        try (Connection service = asService(); Statement sql = service.createStatement()) {
            for (String change : new String[] {"CREATE TABLE intruder (id int)", "DROP TABLE users",
                    "ALTER TABLE sessions ADD COLUMN intruder int", "TRUNCATE audit_log",
                    "CREATE INDEX intruder_idx ON users (name)"}) {
                assertThatThrownBy(() -> sql.execute(change)).as(change).isInstanceOf(SQLException.class)
                        .satisfiesAnyOf(
                                e -> assertThat(e.getMessage()).contains("permission denied"),
                                e -> assertThat(e.getMessage()).contains("must be owner"));
            }
        }
    }
}
