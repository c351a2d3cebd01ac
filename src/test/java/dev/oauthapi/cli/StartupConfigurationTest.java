package dev.oauthapi.cli;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.config.EnvironmentSubstitution;
import dev.oauthapi.config.MissingEnvironmentException;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestApp.CommandResult;
import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.jersey.validation.Validators;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How the service refuses to start on a bad configuration: one readable message, no stack trace. */
class StartupConfigurationTest {
    private static Map<String, String> complete() {
        final Map<String, String> env = new HashMap<>();
        env.put("DATABASE_PASSWORD", "pw");
        env.put("JWT_ISSUER", "https://auth.example.com");
        env.put("JWT_AUDIENCE", "example-api");
        return env;
    }

    @Test
    void refusesToStartNamingEveryMissingVariableInOneMessage() {
        final CommandResult result = TestApp.run(Map.of(), "server", TestApp.CONFIG);

        assertThat(result.error()).containsInstanceOf(MissingEnvironmentException.class);
        assertThat(result.stderr().strip()).isEqualTo(TestApp.CONFIG
                + " cannot start: these required environment variables are not set: "
                + "DATABASE_PASSWORD, JWT_AUDIENCE, JWT_ISSUER. Set them (see .env.example) and start again.");
        assertThat(result.stderr().lines()).hasSize(1);
    }

    @Test
    void everyConfiguredCommandRefusesTheSameWay() {
        final Map<String, String> env = complete();
        env.remove("JWT_ISSUER");

        for (String[] command : new String[][] {{"db", "migrate", TestApp.CONFIG}, {"check", TestApp.CONFIG}}) {
            final CommandResult result = TestApp.run(env, command);
            assertThat(result.succeeded()).as(String.join(" ", command)).isFalse();
            assertThat(result.stderr()).contains("not set: JWT_ISSUER.").doesNotContain("\tat ");
        }
    }

    @Test
    void refusesAnInvalidValueWithAReadableMessage() {
        final Map<String, String> env = complete();
        env.put("ACCESS_TOKEN_TTL", "2d");
        env.put("SESSION_MAX_LIFETIME", "1d");

        final CommandResult result = TestApp.run(env, "check", TestApp.CONFIG);

        assertThat(result.error()).containsInstanceOf(ConfigurationValidationException.class);
        assertThat(result.stderr())
                .contains("tokens.accessTokenTtl must be less than or equal to 1 DAYS")
                .contains("SESSION_MAX_LIFETIME must not be shorter than REFRESH_TOKEN_TTL")
                .doesNotContain("\tat ");
    }

    @Test
    void refusesSessionsThatIdleOutBeforeTheirAccessTokens() {
        final Map<String, String> env = complete();
        env.put("ACCESS_TOKEN_TTL", "1h");
        env.put("REFRESH_TOKEN_TTL", "30m");

        final CommandResult result = TestApp.run(env, "check", TestApp.CONFIG);

        assertThat(result.error()).containsInstanceOf(ConfigurationValidationException.class);
        assertThat(result.stderr()).contains("REFRESH_TOKEN_TTL must not be shorter than ACCESS_TOKEN_TTL")
                .doesNotContain("\tat ");
    }

    @Test
    void refusesARedisModeItCannotServe() {
        final Map<String, String> env = complete();
        env.put("REDIS_MODE", "replicated");
        final CommandResult unknown = TestApp.run(env, "check", TestApp.CONFIG);
        env.put("REDIS_MODE", "cluster");
        final CommandResult clusterWithoutNodes = TestApp.run(env, "check", TestApp.CONFIG);
        env.put("REDIS_NODES", "127.0.0.1:7000,127.0.0.1:7001");
        env.put("REDIS_DB", "2");
        final CommandResult clusterOnADatabase = TestApp.run(env, "check", TestApp.CONFIG);
        env.put("REDIS_MODE", "sentinel");
        env.put("REDIS_NODES", "");
        final CommandResult sentinelWithoutNodes = TestApp.run(env, "check", TestApp.CONFIG);

        assertThat(unknown.stderr()).contains("must be standalone, sentinel or cluster");
        assertThat(clusterWithoutNodes.stderr()).contains("REDIS_MODE=cluster needs REDIS_NODES");
        assertThat(clusterOnADatabase.stderr()).contains("REDIS_MODE=cluster needs REDIS_NODES (seed nodes, host:port) and REDIS_DB=0");
        assertThat(sentinelWithoutNodes.stderr()).contains("REDIS_MODE=sentinel needs REDIS_NODES");
    }

    @Test
    void refusesAWebSignInThatCouldNotWork() {
        final Map<String, String> env = complete();
        env.put("WEB_REDIRECT_URIS", "https://app.example.com/done,http://app.example.com/plain,javascript:alert(1)");
        env.put("PUBLIC_BASE_URL", "https://auth.example.com/some/path");
        env.put("GOOGLE_CLIENT_IDS", "ios.apps.googleusercontent.com");
        env.put("GOOGLE_WEB_CLIENT_ID", "web.apps.googleusercontent.com");

        final CommandResult result = TestApp.run(env, "check", TestApp.CONFIG);

        assertThat(result.error()).containsInstanceOf(ConfigurationValidationException.class);
        assertThat(result.stderr())
                .contains("GOOGLE_WEB_CLIENT_ID and GOOGLE_WEB_CLIENT_SECRET must be set together")
                .contains("WEB_REDIRECT_URIS must be absolute URIs")
                .contains("PUBLIC_BASE_URL must be an http or https URL without a path")
                .contains("GOOGLE_WEB_CLIENT_ID must be one of GOOGLE_CLIENT_IDS")
                .doesNotContain("\tat ");
    }

    /** RFC 8414: clients look the metadata up on the issuer's host, so the issuer must be where they reach us. */
    @Test
    void refusesAnIssuerThatOAuthClientsCouldNotDiscover() {
        final String[][] refused = {
                {"https://auth.example.com", "https://api.example.com"},
                {"https://auth.example.com:8443", "https://auth.example.com"},
                {"http://auth.example.com", ""},
                {"https://auth.example.com?tenant=1", ""},
                {"https://auth.example.com#top", ""},
                {"auth.example.com", ""}};
        for (String[] issuerAndBase : refused) {
            final Map<String, String> env = complete();
            env.put("JWT_ISSUER", issuerAndBase[0]);
            env.put("PUBLIC_BASE_URL", issuerAndBase[1]);

            final CommandResult result = TestApp.run(env, "check", TestApp.CONFIG);

            assertThat(result.stderr()).as(String.join(" on ", issuerAndBase))
                    .contains("JWT_ISSUER must be an https URL (http only on localhost").doesNotContain("\tat ");
        }
        for (String[] issuerAndBase : new String[][] {{"https://auth.example.com/tenant-1", ""},
                {"https://AUTH.example.com", "https://auth.example.com:443"}, {"http://127.0.0.1:8080", ""}}) {
            final Map<String, String> env = complete();
            env.put("JWT_ISSUER", issuerAndBase[0]);
            env.put("PUBLIC_BASE_URL", issuerAndBase[1]);

            assertThat(TestApp.run(env, "check", TestApp.CONFIG).error()).as(String.join(" on ", issuerAndBase)).isEmpty();
        }
    }

    @Test
    void refusesAnAppAttestationThatCouldNotWork() {
        final Map<String, String> env = complete();
        env.put("APP_CHECK_MODE", "enforce");
        env.put("APP_CHECK_IOS_APP_IDS", "com.example.app");
        env.put("APP_CHECK_ANDROID_PACKAGES", "com.example.app=AB:CD");
        env.put("APP_CHECK_CLIENTS", "ios-client=com.example.other");
        env.put("APP_CHECK_TOKEN_TTL", "30d");

        final CommandResult result = TestApp.run(env, "check", TestApp.CONFIG);

        assertThat(result.error()).containsInstanceOf(ConfigurationValidationException.class);
        assertThat(result.stderr())
                .contains("APP_CHECK_IOS_APP_IDS must be TEAMID.bundle.id values")
                .contains("APP_CHECK_ANDROID_PACKAGES must be package.name=AA:BB:... entries")
                .contains("appCheck.tokenTtl")
                .doesNotContain("\tat ");

        final Map<String, String> nothing = complete();
        nothing.put("APP_CHECK_MODE", "monitor");
        assertThat(TestApp.run(nothing, "check", TestApp.CONFIG).stderr())
                .contains("APP_CHECK_MODE monitor or enforce needs a way to attest");
        final Map<String, String> android = complete();
        android.put("APP_CHECK_ANDROID_PACKAGES", "com.example.app=" + "AB:".repeat(31) + "AB");
        assertThat(TestApp.run(android, "check", TestApp.CONFIG).stderr())
                .contains("Play Integrity needs GOOGLE_APPLICATION_CREDENTIALS");
    }

    @Test
    void refusesHalfAConfiguredAppleCodeExchange() {
        final Map<String, String> env = complete();
        env.put("APPLE_TEAM_ID", "TEAM123456");

        final CommandResult result = TestApp.run(env, "check", TestApp.CONFIG);

        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr()).contains("APPLE_TEAM_ID, APPLE_KEY_ID and APPLE_PRIVATE_KEY_PATH must be set together");
    }

    @Test
    void refusesToStartWithoutASigningKey(@org.junit.jupiter.api.io.TempDir java.nio.file.Path emptyKeys) {
        final Map<String, String> env = new HashMap<>(dev.oauthapi.testing.TestEnvironment.withFreshDatabase());
        env.put("JWT_KEYS_DIR", emptyKeys.toString());

        final CommandResult result = TestApp.run(env, "server", TestApp.CONFIG);

        assertThat(result.succeeded()).isFalse();
        assertThat(result.stderr().strip()).startsWith("There is no signing key (*.pem) in " + emptyKeys)
                .contains("keys generate").doesNotContain("\tat ");
    }

    @Test
    void acceptsTheDocumentedDefaults() {
        final CommandResult result = TestApp.run(complete(), "check", TestApp.CONFIG);

        assertThat(result.succeeded()).as(result.stderr()).isTrue();
    }

    @Test
    void theAdminPortListensOnLoopbackEvenWhenTheApplicationPortListensEverywhere() throws Exception {
        final Map<String, String> env = complete();
        env.put("HOST", "0.0.0.0");

        final DefaultServerFactory server = (DefaultServerFactory) parse(env).getServerFactory();

        assertThat(((HttpConnectorFactory) server.getApplicationConnectors().get(0)).getBindHost()).isEqualTo("0.0.0.0");
        assertThat(((HttpConnectorFactory) server.getAdminConnectors().get(0)).getBindHost()).isEqualTo("127.0.0.1");

        env.put("ADMIN_HOST", "10.0.0.5");
        final DefaultServerFactory configured = (DefaultServerFactory) parse(env).getServerFactory();
        assertThat(((HttpConnectorFactory) configured.getAdminConnectors().get(0)).getBindHost()).isEqualTo("10.0.0.5");
    }

    private static OAuthApiConfiguration parse(Map<String, String> env) throws Exception {
        return new YamlConfigurationFactory<>(OAuthApiConfiguration.class, Validators.newValidator(),
                Jackson.newObjectMapper(), "dw")
                .build(new EnvironmentSubstitution(new FileConfigurationSourceProvider(), env::get), TestApp.CONFIG);
    }
}
