package dev.oauthapi.dev;

import dev.oauthapi.OAuthApiApplication;
import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.testing.TestRedis;
import dev.oauthapi.tokens.SigningKeyFiles;
import io.dropwizard.core.setup.Environment;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code ./mvnw -Pdev}: the service on embedded defaults, for trying it without Docker, an
 * installed database, or a Google or Apple app. An embedded PostgreSQL 15 keeps its data in
 * {@code .dev/postgres}, Redis runs from the PATH or the embedded binary, a development signing
 * key is generated into {@code .dev/keys}, migrations are applied, both ports listen on loopback
 * only, and the {@link ProviderEmulator} stands in for Google and Apple under {@code /emulator}:
 * every provider URL and client id points at it, so sign-in, linking, the browser sign-in, Apple
 * code exchange and revocation all work offline; the {@link AppCheckEmulator} does the same for app
 * attestation (debug tokens, Play Integrity, App Attest). None of this is in the production jar or image:
 * it lives in the {@code dev} Maven profile's sources.
 */
public final class DevMode {
    private static final Logger LOG = LoggerFactory.getLogger(DevMode.class);
    private static final String BANNER = "DEVELOPMENT MODE: embedded PostgreSQL and Redis, a generated signing key, "
            + "Google and Apple emulated at /emulator, loopback only. NOT FOR PRODUCTION.";
    private static final Path HOME = Path.of(".dev");
    private static final int POSTGRES_PORT = 54329;

    static final String GOOGLE_IOS_CLIENT = "dev-ios.apps.googleusercontent.com";
    static final String GOOGLE_WEB_CLIENT = "dev-web.apps.googleusercontent.com";
    static final String GOOGLE_WEB_SECRET = "dev-web-client-secret";
    static final String APPLE_BUNDLE_ID = "dev.oauthapi.app";
    static final String APPLE_SERVICES_ID = "dev.oauthapi.web";
    /** The emulator's web app, a standard OAuth client ({@code OAUTH_CLIENT_IDS}). */
    static final String WEB_APP_CLIENT = "dev-web-app";
    static final String APPLE_TEAM_ID = "DEVTEAM001";
    static final String APPLE_KEY_ID = "DEVKEY0001";

    private DevMode() {
    }

    public static void main(String[] args) throws Exception {
        final String command = System.getProperty("dev.command", "").strip();
        if (!command.isEmpty()) {
            runCommand(command);
            return;
        }
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
        env.putIfAbsent("LOG_FORMAT", "text");
        final Emulated emulated = emulated(env, HOME, Clock.systemUTC());

        final DevApplication application = new DevApplication(emulated.environment()::get, emulated);
        application.runCommand(System.out, System.err, "db", "migrate", "config.yml")
                .ifPresent(error -> {
                    throw new IllegalStateException("db migrate failed", error);
                });
        application.run("server", "config.yml");
    }

    /**
     * A command of the jar ({@code ./mvnw -q -Pdev -Ddev.command="apple transfer prepare ..."}),
     * run against the dev mode that runs beside it: its PostgreSQL and its emulators (a variable
     * set in the shell wins, as for the server: {@code APPLE_TEAM_ID=DEVTEAM002} for the new team).
     */
    private static void runCommand(String command) throws Exception {
        final Map<String, String> env = new HashMap<>(System.getenv());
        env.putIfAbsent("DATABASE_HOST", "127.0.0.1");
        env.putIfAbsent("DATABASE_PORT", Integer.toString(POSTGRES_PORT));
        env.putIfAbsent("DATABASE_NAME", "oauth_api");
        env.putIfAbsent("DATABASE_USERNAME", "postgres");
        env.putIfAbsent("DATABASE_PASSWORD", "postgres");
        env.putIfAbsent("JWT_KEYS_DIR", HOME.resolve("keys").toString());
        env.putIfAbsent("LOG_FORMAT", "text");
        final Emulated emulated = emulated(env, HOME, Clock.systemUTC());
        final List<String> arguments = new ArrayList<>(List.of(command.split("\\s+")));
        arguments.add("config.yml");
        final Optional<Throwable> failed = new OAuthApiApplication(emulated.environment()::get)
                .runCommand(System.out, System.err, arguments.toArray(String[]::new));
        if (failed.isPresent()) {
            System.exit(dev.oauthapi.cli.CommandExit.codeOf(failed.get()));
        }
    }

    /** The environment of dev mode, with every provider setting pointing at the emulators, and the emulators. */
    public record Emulated(Map<String, String> environment, ProviderEmulator emulator, AppCheckEmulator appCheck) {
    }

    /**
     * Adds what dev mode sets to {@code base} (a variable set there wins), for a server on
     * {@code PORT} (8080 unless set): the emulator's URLs and clients, the browser sign-in ending at
     * the emulator's own page, and Apple code exchange with a team key made once and kept in
     * {@code home} with its encryption key (Apple tokens stored earlier still open, and a command
     * run beside the server signs as the same team).
     */
    public static Emulated emulated(Map<String, String> base, Path home, Clock clock) throws Exception {
        final Map<String, String> env = new HashMap<>(base);
        final String origin = "http://127.0.0.1:" + env.getOrDefault("PORT", "8080");
        final String emulator = origin + "/emulator";
        final Path apple = Files.createDirectories(home.resolve("apple"));
        final Path p8 = apple.resolve("AuthKey_" + APPLE_KEY_ID + ".p8");
        final KeyPair team = teamKey(p8, apple.resolve("team-public-key.der"));
        final Map<String, String> defaults = new HashMap<>();
        defaults.put("JWT_ISSUER", origin);
        defaults.put("DOCS_ENABLED", "true");
        defaults.put("DRAIN_DELAY", "0s"); // no load balancer to tell: Ctrl-C stops at once
        defaults.put("JWT_AUDIENCE", "oauth-api-dev");
        defaults.put("PUBLIC_BASE_URL", origin);
        defaults.put("WEB_REDIRECT_URIS", emulator + "/done");
        defaults.put("OAUTH_CLIENT_IDS", WEB_APP_CLIENT);
        defaults.put("GOOGLE_CLIENT_IDS", GOOGLE_IOS_CLIENT + "," + GOOGLE_WEB_CLIENT);
        defaults.put("GOOGLE_JWKS_URL", emulator + "/google/jwks");
        defaults.put("GOOGLE_RISC_JWKS_URL", emulator + "/google/jwks"); // nothing sends events here: no fetch leaves
        defaults.put("GOOGLE_WEB_CLIENT_ID", GOOGLE_WEB_CLIENT);
        defaults.put("GOOGLE_WEB_CLIENT_SECRET", GOOGLE_WEB_SECRET);
        defaults.put("GOOGLE_AUTHORIZATION_URL", emulator + "/google/authorize");
        defaults.put("GOOGLE_TOKEN_URL", emulator + "/google/token");
        defaults.put("APPLE_CLIENT_IDS", APPLE_BUNDLE_ID + "," + APPLE_SERVICES_ID);
        defaults.put("APPLE_JWKS_URL", emulator + "/apple/jwks");
        defaults.put("APPLE_WEB_CLIENT_ID", APPLE_SERVICES_ID);
        defaults.put("APPLE_AUTHORIZATION_URL", emulator + "/apple/authorize");
        defaults.put("APPLE_TEAM_ID", APPLE_TEAM_ID);
        defaults.put("APPLE_KEY_ID", APPLE_KEY_ID);
        defaults.put("APPLE_PRIVATE_KEY_PATH", p8.toString());
        defaults.put("APPLE_TOKEN_URL", emulator + "/apple/token");
        defaults.put("APPLE_REVOKE_URL", emulator + "/apple/revoke");
        defaults.put("APPLE_MIGRATION_URL", emulator + "/apple/usermigrationinfo");
        // Passkeys on http://localhost: WebAuthn takes localhost as a secure origin and an RP ID.
        defaults.put("PASSKEY_RP_ID", "localhost");
        defaults.put("PASSKEY_RP_NAME", "oauth-api (dev)");
        defaults.put("PASSKEY_ORIGINS", "http://localhost:" + env.getOrDefault("PORT", "8080"));
        defaults.put("APPLE_TOKEN_ENCRYPTION_KEY", "dev1:" + persistentKey(apple.resolve("token-encryption-key")));
        // App attestation: debug tokens, Play Integrity and App Attest emulated; off unless APP_CHECK_MODE says.
        final AppCheckEmulator appCheck = new AppCheckEmulator();
        defaults.putAll(appCheck.environment(home));
        defaults.forEach(env::putIfAbsent);
        return new Emulated(env, new ProviderEmulator(new ProviderEmulator.Clients(
                List.of(GOOGLE_IOS_CLIENT, GOOGLE_WEB_CLIENT), GOOGLE_WEB_CLIENT, GOOGLE_WEB_SECRET,
                List.of(APPLE_BUNDLE_ID, APPLE_SERVICES_ID), APPLE_TEAM_ID, APPLE_KEY_ID, team.getPublic()), clock),
                appCheck);
    }

    /** The emulated team's key: made once, its private half as Apple's .p8 and its public half beside it. */
    private static KeyPair teamKey(Path p8, Path publicKey) throws Exception {
        final java.security.KeyFactory ec = java.security.KeyFactory.getInstance("EC");
        if (Files.exists(p8) && Files.exists(publicKey)) {
            return new KeyPair(ec.generatePublic(new java.security.spec.X509EncodedKeySpec(Files.readAllBytes(publicKey))),
                    dev.oauthapi.identity.AppleTokenClient.readKey(p8));
        }
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        final KeyPair team = generator.generateKeyPair();
        Files.writeString(p8, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(team.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        Files.write(publicKey, team.getPublic().getEncoded());
        return team;
    }

    /** A 32-byte key, base64, made once and kept in {@code file}. */
    private static String persistentKey(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        final byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        final String encoded = Base64.getEncoder().encodeToString(key);
        Files.writeString(file, encoded);
        return encoded;
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

    /** The real service with the emulator beside it, saying loudly once it runs that it runs in development mode. */
    public static final class DevApplication extends OAuthApiApplication {
        private final Emulated emulated;

        public DevApplication(Function<String, String> environment, Emulated emulated) {
            this(environment, emulated, Clock.systemUTC());
        }

        public DevApplication(Function<String, String> environment, Emulated emulated, Clock clock) {
            super(environment, clock);
            this.emulated = emulated;
        }

        @Override
        public void run(OAuthApiConfiguration config, Environment environment) {
            super.run(config, environment);
            environment.jersey().register(emulated.emulator());
            environment.jersey().register(emulated.appCheck());
            environment.lifecycle().addServerLifecycleListener(server -> LOG.warn(BANNER));
        }
    }
}
