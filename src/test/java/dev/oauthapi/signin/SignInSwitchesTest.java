package dev.oauthapi.signin;

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

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The sign-in switches reach the service: a required nonce (Google here), replay protection off. */
@ExtendWith(DropwizardExtensionsSupport.class)
class SignInSwitchesTest {
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final Map<String, String> ENV = environment();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);

    private static Map<String, String> environment() {
        final Map<String, String> env = TestEnvironment.withProviders(GOOGLE, "google-client", APPLE, "com.example.app");
        env.put("GOOGLE_REQUIRE_NONCE", "true");
        env.put("ID_TOKEN_REPLAY_PROTECTION", "false");
        return env;
    }

    @AfterAll
    static void stop() {
        GOOGLE.close();
        APPLE.close();
    }

    private static TestHttp http() {
        return new TestHttp(APP.getLocalPort());
    }

    @Test
    void googleRequiresANonceWhenConfiguredTo() {
        final Answer without = http().post("/api/auth/google", Map.of("idToken", GOOGLE.token("google-client", "s1").build()));
        final String nonce = http().post("/api/auth/nonce", "").json().path("nonce").asText();
        final Answer with = http().post("/api/auth/google", Map.of("nonce", nonce,
                "idToken", GOOGLE.token("google-client", "s1").claim("nonce", nonce).build()));

        assertThat(without.status()).isEqualTo(401);
        assertThat(without.code()).isEqualTo("invalid_nonce");
        assertThat(with.status()).as(with.toString()).isEqualTo(200);
    }

    @Test
    void withReplayProtectionOffTheSameTokenSignsInAgain() {
        final String token = APPLE.token("com.example.app", "001.a.1").build();

        assertThat(http().post("/api/auth/apple", Map.of("identityToken", token)).status()).isEqualTo(200);
        assertThat(http().post("/api/auth/apple", Map.of("identityToken", token)).status()).isEqualTo(200);
    }
}
