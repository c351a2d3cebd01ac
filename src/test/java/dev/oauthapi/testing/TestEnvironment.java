package dev.oauthapi.testing;

import dev.oauthapi.tokens.SigningKeyFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment a test service starts with: its own database on the test PostgreSQL, the test
 * Redis, loopback listeners on free ports, and the required token settings.
 */
public final class TestEnvironment {
    public static final String ISSUER = "https://auth.test.example";
    public static final String AUDIENCE = "oauth-api-test";

    private TestEnvironment() {
    }

    public static Map<String, String> withFreshDatabase(TestRedis redis) {
        final TestPostgres postgres = TestPostgres.shared();
        final Map<String, String> env = new HashMap<>();
        env.putAll(postgres.environment(postgres.createDatabase()));
        env.putAll(redis.environment());
        env.put("HOST", "127.0.0.1");
        env.put("PORT", "0");
        env.put("ADMIN_PORT", "0");
        env.put("LOG_FORMAT", "text");
        env.put("JWT_ISSUER", ISSUER);
        env.put("JWT_AUDIENCE", AUDIENCE);
        // Tests send many requests from one address; the rate limit tests set their own limits.
        env.put("AUTH_RATE_LIMIT_PER_MINUTE", "100000");
        env.put("API_RATE_LIMIT_PER_MINUTE", "100000");
        env.put("APP_CHECK_RATE_LIMIT_PER_MINUTE", "100000");
        env.put("ANONYMOUS_RATE_LIMIT_PER_HOUR", "100000");
        try {
            final Path keys = Files.createTempDirectory("oauth-api-keys");
            new SigningKeyFiles(keys).generate(Clock.systemUTC(), new SecureRandom());
            env.put("JWT_KEYS_DIR", keys.toString());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return env;
    }

    public static Map<String, String> withFreshDatabase() {
        return withFreshDatabase(TestRedis.shared());
    }

    /** A fresh database, and sign-in with both fake providers for the given client ids. */
    public static Map<String, String> withProviders(FakeProvider google, String googleClientIds,
                                                    FakeProvider apple, String appleClientIds) {
        final Map<String, String> env = withFreshDatabase();
        env.put("GOOGLE_CLIENT_IDS", googleClientIds);
        env.put("GOOGLE_JWKS_URL", google.jwksUrl().toString());
        env.put("APPLE_CLIENT_IDS", appleClientIds);
        env.put("APPLE_JWKS_URL", apple.jwksUrl().toString());
        return env;
    }

    /**
     * As {@link #withProviders}, with the service listening on {@code port} and its issuer there:
     * a client library discovers everything from the issuer, so it must be where the service is.
     */
    public static Map<String, String> listeningAt(int port, FakeProvider google, String googleClientIds,
                                                  FakeProvider apple, String appleClientIds) {
        final Map<String, String> env = withProviders(google, googleClientIds, apple, appleClientIds);
        env.put("PORT", Integer.toString(port));
        env.put("JWT_ISSUER", "http://127.0.0.1:" + port);
        return env;
    }

    /**
     * As {@link #withProviders}, and sign-in through the browser to {@code redirectUris}: Google's
     * web client at {@code googleOAuth}, Apple's Services ID {@code appleWebClient} (Apple's page
     * is never reached: tests post its form themselves).
     */
    public static Map<String, String> withBrowserSignIn(FakeGoogleOAuth googleOAuth, FakeProvider google,
                                                        String googleClientIds, FakeProvider apple,
                                                        String appleClientIds, String appleWebClient,
                                                        String redirectUris) {
        final Map<String, String> env = withProviders(google, googleClientIds, apple, appleClientIds);
        env.putAll(googleOAuth.environment());
        env.put("WEB_REDIRECT_URIS", redirectUris);
        env.put("APPLE_WEB_CLIENT_ID", appleWebClient);
        env.put("APPLE_AUTHORIZATION_URL", "https://appleid.example/auth/authorize");
        return env;
    }

    /** A port free now, for a service whose own URLs must name its port before it starts. */
    public static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
