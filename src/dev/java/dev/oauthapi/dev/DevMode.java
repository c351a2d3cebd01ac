package dev.oauthapi.dev;

import dev.oauthapi.OAuthApiApplication;
import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.testing.TestRedis;
import dev.oauthapi.tokens.SigningKeyFiles;
import io.dropwizard.core.setup.Environment;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code ./mvnw -Pdev}: the service on embedded defaults, for trying it without Docker or any
 * installed database. An embedded PostgreSQL 15 keeps its data in {@code .dev/postgres}, Redis
 * runs from the PATH or the embedded binary, a development signing key is generated into
 * {@code .dev/keys}, migrations are applied, and both ports listen on loopback only. None of this
 * is in the production jar or image: it lives in the {@code dev} Maven profile.
 */
public final class DevMode {
    private static final Logger LOG = LoggerFactory.getLogger(DevMode.class);
    private static final String BANNER = "DEVELOPMENT MODE: embedded PostgreSQL and Redis, a generated signing key, "
            + "loopback only. NOT FOR PRODUCTION.";
    private static final Path HOME = Path.of(".dev");
    private static final int POSTGRES_PORT = 54329;

    private DevMode() {
    }

    public static void main(String[] args) throws Exception {
        System.err.println("\n*** " + BANNER + " ***\n");
        final EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(HOME.resolve("postgres"))
                .setCleanDataDirectory(false)
                .setPort(POSTGRES_PORT)
                .start();
        createDatabaseIfMissing(postgres, "oauth_api");
        final TestRedis redis = TestRedis.startPrivate();

        final SigningKeyFiles keys = new SigningKeyFiles(HOME.resolve("keys"));
        if (!keys.hasKeys()) {
            System.err.println("Generated development signing key " + keys.generate(Clock.systemUTC(), new SecureRandom()));
        }

        final Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(Map.of(
                "DATABASE_HOST", "127.0.0.1",
                "DATABASE_PORT", Integer.toString(POSTGRES_PORT),
                "DATABASE_NAME", "oauth_api",
                "DATABASE_USERNAME", "postgres",
                "DATABASE_PASSWORD", "postgres",
                "JWT_KEYS_DIR", keys.dir().toString(),
                "HOST", "127.0.0.1"));
        env.putAll(redis.environment());
        env.putIfAbsent("JWT_ISSUER", "http://127.0.0.1:" + env.getOrDefault("PORT", "8080"));
        env.putIfAbsent("JWT_AUDIENCE", "oauth-api-dev");
        env.putIfAbsent("LOG_FORMAT", "text");
        Files.createDirectories(HOME);

        final DevApplication application = new DevApplication(env::get);
        application.runCommand(System.out, System.err, "db", "migrate", "config.yml")
                .ifPresent(error -> {
                    throw new IllegalStateException("db migrate failed", error);
                });
        application.run("server", "config.yml");
    }

    private static void createDatabaseIfMissing(EmbeddedPostgres postgres, String name) throws Exception {
        try (Connection admin = postgres.getPostgresDatabase().getConnection();
             Statement sql = admin.createStatement()) {
            try (ResultSet exists = sql.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
                if (exists.next()) {
                    return;
                }
            }
            sql.execute("CREATE DATABASE " + name);
        }
    }

    /** The real service, saying loudly once it runs that it runs in development mode. */
    private static final class DevApplication extends OAuthApiApplication {
        DevApplication(Function<String, String> environment) {
            super(environment);
        }

        @Override
        public void run(OAuthApiConfiguration config, Environment environment) {
            super.run(config, environment);
            environment.lifecycle().addServerLifecycleListener(server -> LOG.warn(BANNER));
        }
    }
}
