package dev.oauthapi.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A real PostgreSQL for the tests: the one named by {@code TEST_DATABASE_URL}
 * ({@code postgresql://user:password@host:port/db}) when set, else an embedded PostgreSQL 15
 * started once for the whole run. Each caller gets a database of its own, so tests never see each
 * other's rows and a migration test starts from an empty schema.
 */
public final class TestPostgres {
    private static TestPostgres shared;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String adminDatabase;

    private TestPostgres(String host, int port, String user, String password, String adminDatabase) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.adminDatabase = adminDatabase;
    }

    public static synchronized TestPostgres shared() {
        if (shared == null) {
            final String url = System.getenv("TEST_DATABASE_URL");
            shared = url == null || url.isBlank() ? embedded() : fromUrl(url);
        }
        return shared;
    }

    private static TestPostgres embedded() {
        try {
            final EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .start();
            return new TestPostgres("127.0.0.1", postgres.getPort(), "postgres", "postgres", "postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL", e);
        }
    }

    private static TestPostgres fromUrl(String url) {
        final URI uri = URI.create(url.replaceFirst("^jdbc:", ""));
        final String[] userInfo = uri.getUserInfo() == null ? new String[] {"postgres", ""} : uri.getUserInfo().split(":", 2);
        final String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        return new TestPostgres(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(),
                userInfo[0], userInfo.length > 1 ? userInfo[1] : "", database);
    }

    /**
     * A PostgreSQL of the caller's own, on a fixed port and data folder, that it may stop and start
     * again (outage tests). Its one database is empty until migrated.
     */
    public static Private startPrivate() {
        try {
            final java.nio.file.Path data = java.nio.file.Files.createTempDirectory("oauth-api-pg");
            final int port;
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            final Private postgres = new Private(data, port);
            postgres.start();
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** See {@link #startPrivate()}. */
    public static final class Private {
        private final java.nio.file.Path data;
        private final int port;
        private EmbeddedPostgres running;

        private Private(java.nio.file.Path data, int port) {
            this.data = data;
            this.port = port;
        }

        public synchronized void start() {
            try {
                running = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
                        .setPort(port).start();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the private PostgreSQL", e);
            }
        }

        public synchronized void stop() {
            try {
                if (running != null) {
                    running.close();
                    running = null;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public Map<String, String> environment() {
            return new TestPostgres("127.0.0.1", port, "postgres", "postgres", "postgres").environment("postgres");
        }
    }

    /** Creates an empty database and returns its name. */
    public String createDatabase() {
        final String name = "oauth_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (Connection admin = DriverManager.getConnection(jdbcUrl(adminDatabase), user, password);
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create test database " + name, e);
        }
        return name;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user, password);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** The {@code DATABASE_*} variables of the service for one database. */
    public Map<String, String> environment(String database) {
        return Map.of(
                "DATABASE_HOST", host,
                "DATABASE_PORT", Integer.toString(port),
                "DATABASE_NAME", database,
                "DATABASE_USERNAME", user,
                // The service requires a password; trust-auth servers ignore it.
                "DATABASE_PASSWORD", password.isEmpty() ? "unused" : password);
    }
}
