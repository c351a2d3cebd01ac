package dev.oauthapi.dpop;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestDpop;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.security.KeyPair;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DPoP with {@code DPOP_MODE=required} and server nonces: no session starts without a proof; a
 * proof without our nonce is answered {@code use_dpop_nonce} with a fresh {@code DPoP-Nonce}, and
 * the retry with it works, at session endpoints and at protected ones.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class DpopNoncesTest {
    static final String CLIENT = DpopEndpointsTest.CLIENT;
    static final String BASE = DpopEndpointsTest.BASE;
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final Map<String, String> ENV = env();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);
    static final TestDatabase DB = new TestDatabase(ENV);

    private static Map<String, String> env() {
        final Map<String, String> env = TestEnvironment.withProviders(GOOGLE, CLIENT, APPLE, "unused");
        env.put("DPOP_MODE", "required");
        env.put("DPOP_NONCES", "true");
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

    private static String proof(KeyPair key, String method, String path, String accessToken, String nonce) {
        return TestDpop.proof(key, method, BASE, path, accessToken, nonce);
    }

    private static Answer signIn(String idToken, String proof) {
        return http().post("/api/auth/google", Map.of("idToken", idToken), null,
                proof == null ? Map.of() : Map.of("DPoP", proof));
    }

    @Test
    void noSessionStartsWithoutAProofAndAProofWithoutOurNonceGetsOne() {
        final long sessions = DB.count("sessions");
        final String idToken = GOOGLE.token(CLIENT, "n-" + UUID.randomUUID()).build();
        final Answer without = signIn(idToken, null);
        assertThat(without.status()).isEqualTo(400);
        assertThat(without.code()).isEqualTo("invalid_dpop_proof");

        final KeyPair key = DpopEndpointsTest.key();
        final Answer asked = signIn(idToken, proof(key, "POST", "/api/auth/google", null, null));
        assertThat(asked.status()).isEqualTo(400);
        assertThat(asked.code()).isEqualTo("use_dpop_nonce");
        final String nonce = asked.header("DPoP-Nonce");
        assertThat(nonce).isNotBlank();
        assertThat(DB.count("sessions")).as("nothing started, the ID token not spent").isEqualTo(sessions);

        final Answer signedIn = signIn(idToken, proof(key, "POST", "/api/auth/google", null, nonce));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        assertThat(signedIn.header("DPoP-Nonce")).isNotBlank();
        assertThat(signedIn.header("Access-Control-Expose-Headers")).contains("DPoP-Nonce");

        final String access = signedIn.json().path("tokens").path("accessToken").asText();
        final Answer noNonce = http().send(http().request("/api/users/me", null).header("Authorization", "DPoP " + access)
                .header("DPoP", proof(key, "GET", "/api/users/me", access, null)).GET());
        assertThat(noNonce.status()).isEqualTo(401);
        assertThat(noNonce.header("WWW-Authenticate")).startsWith("DPoP error=\"use_dpop_nonce\"");
        final Answer me = http().send(http().request("/api/users/me", null).header("Authorization", "DPoP " + access)
                .header("DPoP", proof(key, "GET", "/api/users/me", access, noNonce.header("DPoP-Nonce"))).GET());
        assertThat(me.status()).as(me.toString()).isEqualTo(200);
    }
}
