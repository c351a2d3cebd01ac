package dev.oauthapi.identity;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A provider that is switched off, and one whose keys cannot be fetched. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ProviderAvailabilityTest {
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final Map<String, String> ENV = environment();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);

    private static Map<String, String> environment() {
        final Map<String, String> env = new HashMap<>(TestEnvironment.withFreshDatabase());
        env.put("GOOGLE_CLIENT_IDS", "client");
        env.put("GOOGLE_JWKS_URL", GOOGLE.jwksUrl().toString());
        GOOGLE.close(); // nothing answers there any more
        return env; // no APPLE_CLIENT_IDS: Apple sign-in is off
    }

    @Test
    void aProviderWithoutClientIdsIsNotEnabled() {
        final Answer answer = new TestHttp(APP.getLocalPort()).post("/api/auth/apple", Map.of("identityToken", "x.y.z"));

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.code()).isEqualTo("provider_not_enabled");
    }

    @Test
    void anUnknownKeyWhileTheProviderIsUnreachableIs503NotARejection() {
        final Map<String, Long> before = new TestDatabase(ENV).counts();

        final Answer answer = new TestHttp(APP.getLocalPort()).post("/api/auth/google",
                Map.of("idToken", GOOGLE.token("client", "subject").build()));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(503);
        assertThat(answer.code()).isEqualTo("provider_unavailable");
        assertThat(answer.header("Retry-After")).isEqualTo("30");
        assertThat(new TestDatabase(ENV).counts()).isEqualTo(before);
    }
}
