package dev.oauthapi.testing;

import dev.oauthapi.OAuthApiApplication;
import dev.oauthapi.OAuthApiConfiguration;
import io.dropwizard.core.Application;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.junit5.DropwizardAppExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The whole service as it runs in production, from the repository's own {@code config.yml}, on
 * real PostgreSQL (migrated with the real changelog through the {@code db migrate} command) and
 * real Redis.
 */
public final class TestApp {
    public static final String CONFIG = "config.yml";

    private TestApp() {
    }

    public static DropwizardAppExtension<OAuthApiConfiguration> extension(Map<String, String> env) {
        return extension(env, OAuthApiApplication::new);
    }

    /** As {@link #extension(Map)}, with the application built by {@code factory} (a test subclass). */
    public static DropwizardAppExtension<OAuthApiConfiguration> extension(
            Map<String, String> env, Function<Function<String, String>, OAuthApiApplication> factory) {
        return new DropwizardAppExtension<>(new DropwizardTestSupport<>(OAuthApiApplication.class, CONFIG) {
            @Override
            public Application<OAuthApiConfiguration> newApplication() {
                migrate(env);
                return factory.apply(env::get);
            }
        });
    }

    public static void migrate(Map<String, String> env) {
        final CommandResult result = run(env, "db", "migrate", CONFIG);
        if (result.error().isPresent()) {
            throw new IllegalStateException("db migrate failed: " + result.stderr(), result.error().get());
        }
    }

    /**
     * Runs one command of the jar in-process, capturing what it prints. Liquibase's commands write
     * to {@code System.out} itself, so that is captured too (tests run one at a time).
     */
    public static synchronized CommandResult run(Map<String, String> env, String... arguments) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream systemOut = System.out;
        try (PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(stdout);
            Optional<Throwable> error;
            try {
                error = new OAuthApiApplication(env::get).runCommand(stdout, stderr, arguments);
            } catch (Exception e) {
                error = Optional.of(e);
            }
            return new CommandResult(error, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(systemOut);
        }
    }

    public record CommandResult(Optional<Throwable> error, String stdout, String stderr) {
        public boolean succeeded() {
            return error.isEmpty();
        }
    }
}
