package dev.oauthapi.dpop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DPoP on the JSON API, on the whole service with real PostgreSQL and Redis: a sign-in with a
 * proof binds the session (the access token's {@code cnf.jkt}, the session row), a bound access
 * token works only as {@code Authorization: DPoP} with a proof by its key, and every refresh of a
 * bound session needs one; each refusal leaves the session as it was.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class DpopEndpointsTest {
    static final String CLIENT = "1234-ios.apps.googleusercontent.com";
    static final String BASE = TestEnvironment.ISSUER;
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final Map<String, String> ENV = env();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);
    /** A second instance on the same PostgreSQL and Redis: a proof used on one is used on both. */
    static final DropwizardAppExtension<OAuthApiConfiguration> OTHER = TestApp.extension(ENV);
    static final TestDatabase DB = new TestDatabase(ENV);
    static final ObjectMapper JSON = new ObjectMapper();

    private static Map<String, String> env() {
        // The proofs' htu name PUBLIC_BASE_URL: by default the issuer's origin, BASE.
        final Map<String, String> env = TestEnvironment.withProviders(GOOGLE, CLIENT, APPLE, "unused");
        env.put("ANONYMOUS_SIGN_IN", "true");
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

    static KeyPair key() {
        return TestDpop.key();
    }

    static String proof(KeyPair key, String method, String path, String accessToken) {
        return TestDpop.proof(key, method, BASE, path, accessToken, null);
    }

    static String thumbprint(KeyPair key) {
        return TestDpop.thumbprint(key);
    }

    private static Answer signIn(String proof) {
        return http().post("/api/auth/google", Map.of("idToken", GOOGLE.token(CLIENT, "d-" + UUID.randomUUID()).build()),
                null, proof == null ? Map.of() : Map.of("DPoP", proof));
    }

    private static Answer refresh(String refreshToken, String proof) {
        return http().post("/api/auth/refresh", Map.of("refreshToken", refreshToken), null,
                proof == null ? Map.of() : Map.of("DPoP", proof));
    }

    private static Answer me(String scheme, String accessToken, String proof) {
        final var request = http().request("/api/users/me", null).header("Authorization", scheme + " " + accessToken);
        if (proof != null) {
            request.header("DPoP", proof);
        }
        return http().send(request.GET());
    }

    private static JsonNode claims(String jwt) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> session(String accessToken) {
        return DB.one("SELECT dpop_jkt, refresh_generation FROM sessions WHERE id = CAST(? AS uuid)",
                claims(accessToken).path("sid").asText());
    }

    @Test
    void aSignInWithAProofBindsTheSessionAndItsAccessTokenWorksOnlyWithAProofByThatKey() {
        final KeyPair key = key();
        final Answer signedIn = signIn(proof(key, "POST", "/api/auth/google", null));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        final JsonNode tokens = signedIn.json().path("tokens");
        assertThat(tokens.path("tokenType").asText()).isEqualTo("DPoP");
        final String access = tokens.path("accessToken").asText();
        assertThat(claims(access).path("cnf").path("jkt").asText()).isEqualTo(thumbprint(key));
        assertThat(session(access).get("dpop_jkt")).isEqualTo(thumbprint(key));

        final Answer asBearer = me("Bearer", access, null);
        assertThat(asBearer.status()).isEqualTo(401);
        assertThat(asBearer.code()).isEqualTo("invalid_token");
        assertThat(asBearer.header("WWW-Authenticate")).startsWith("DPoP error=\"invalid_token\"").contains("algs=");
        assertThat(me("DPoP", access, null).status()).as("no proof").isEqualTo(401);
        assertThat(me("DPoP", access, proof(key(), "GET", "/api/users/me", access)).status()).as("another key")
                .isEqualTo(401);
        assertThat(me("DPoP", access, proof(key, "GET", "/api/users/me", null)).status()).as("no ath").isEqualTo(401);
        final String good = proof(key, "GET", "/api/users/me", access);
        final Answer ok = me("DPoP", access, good);
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        final Answer replayed = me("DPoP", access, good);
        assertThat(replayed.status()).isEqualTo(401);
        assertThat(replayed.code()).isEqualTo("invalid_dpop_proof");
        assertThat(replayed.header("WWW-Authenticate")).startsWith("DPoP error=\"invalid_dpop_proof\"");
        // A token we do not accept at all, sent as DPoP, is challenged in DPoP's scheme too.
        final Answer unknown = me("DPoP", access + "x", proof(key, "GET", "/api/users/me", access + "x"));
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.header("WWW-Authenticate")).startsWith("DPoP error=\"invalid_token\"").contains("algs=");
    }

    @Test
    void aBoundSessionRefreshesOnlyWithAProofByItsKeyAndARefusalLeavesItUnmoved() {
        final KeyPair key = key();
        final JsonNode tokens = signIn(proof(key, "POST", "/api/auth/google", null)).json().path("tokens");
        final String refreshToken = tokens.path("refreshToken").asText();
        final Map<String, Object> before = session(tokens.path("accessToken").asText());

        final Answer without = refresh(refreshToken, null);
        assertThat(without.status()).isEqualTo(401);
        assertThat(without.code()).isEqualTo("invalid_dpop_proof");
        assertThat(refresh(refreshToken, proof(key(), "POST", "/api/auth/refresh", null)).code())
                .isEqualTo("invalid_dpop_proof");
        final Answer wrongUrl = refresh(refreshToken, proof(key, "POST", "/api/auth/google", null));
        assertThat(wrongUrl.status()).isEqualTo(400);
        assertThat(wrongUrl.json().path("detail").asText()).startsWith("htu:");
        assertThat(session(tokens.path("accessToken").asText())).isEqualTo(before);

        final Answer refreshed = refresh(refreshToken, proof(key, "POST", "/api/auth/refresh", null));
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        assertThat(refreshed.json().path("tokenType").asText()).isEqualTo("DPoP");
        assertThat(claims(refreshed.json().path("accessToken").asText()).path("cnf").path("jkt").asText())
                .isEqualTo(thumbprint(key));
    }

    @Test
    void anUnboundSessionStaysBearerUntilAProofBindsIt() {
        final JsonNode tokens = signIn(null).json().path("tokens");
        assertThat(tokens.path("tokenType").asText()).isEqualTo("Bearer");
        assertThat(me("Bearer", tokens.path("accessToken").asText(), null).status()).isEqualTo(200);
        final Answer unbound = refresh(tokens.path("refreshToken").asText(), null);
        assertThat(unbound.json().path("tokenType").asText()).isEqualTo("Bearer");

        final KeyPair key = key();
        final Answer bound = refresh(unbound.json().path("refreshToken").asText(), proof(key, "POST",
                "/api/auth/refresh", null));
        assertThat(bound.json().path("tokenType").asText()).isEqualTo("DPoP");
        assertThat(session(bound.json().path("accessToken").asText()).get("dpop_jkt")).isEqualTo(thumbprint(key));
        assertThat(refresh(bound.json().path("refreshToken").asText(), null).code()).as("bound from now on")
                .isEqualTo("invalid_dpop_proof");
    }

    @Test
    void aSignInWithAProofThatFailsACheckIsRefusedAndCreatesNothing() {
        final long sessions = DB.count("sessions");
        final Answer refused = signIn(proof(key(), "GET", "/api/auth/google", null));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("invalid_dpop_proof");
        assertThat(refused.json().path("detail").asText()).startsWith("htm:");
        final KeyPair key = key();
        final String once = proof(key, "POST", "/api/auth/google", null);
        assertThat(signIn(once).status()).isEqualTo(200);
        assertThat(signIn(once).code()).as("a replayed proof").isEqualTo("invalid_dpop_proof");
        assertThat(DB.count("sessions")).isEqualTo(sessions + 1);
    }

    @Test
    void aProofUsedOnOneInstanceIsRefusedOnAnother() {
        final KeyPair key = key();
        final String access = signIn(proof(key, "POST", "/api/auth/google", null)).json().path("tokens")
                .path("accessToken").asText();
        final String proof = proof(key, "GET", "/api/users/me", access);
        assertThat(me("DPoP", access, proof).status()).isEqualTo(200);
        final TestHttp other = new TestHttp(OTHER.getLocalPort());
        final Answer replayed = other.send(other.request("/api/users/me", null).header("Authorization", "DPoP " + access)
                .header("DPoP", proof).GET());
        assertThat(replayed.status()).isEqualTo(401);
        assertThat(replayed.code()).isEqualTo("invalid_dpop_proof");
        final Answer fresh = other.send(other.request("/api/users/me", null).header("Authorization", "DPoP " + access)
                .header("DPoP", proof(key, "GET", "/api/users/me", access)).GET());
        assertThat(fresh.status()).as(fresh.toString()).isEqualTo(200);
    }

    /** A guest's sign-up binds like any sign-in, and its merge keeps the key the guest proved. */
    @Test
    void aGuestSignUpBindsAndItsMergeKeepsTheKey() {
        final KeyPair key = key();
        final Answer guest = http().post("/api/auth/anonymous", Map.of(), null,
                Map.of("DPoP", proof(key, "POST", "/api/auth/anonymous", null)));
        assertThat(guest.status()).as(guest.toString()).isEqualTo(200);
        assertThat(guest.json().path("tokens").path("tokenType").asText()).isEqualTo("DPoP");
        final String guestAccess = guest.json().path("tokens").path("accessToken").asText();
        assertThat(session(guestAccess).get("dpop_jkt")).isEqualTo(thumbprint(key));

        final String subject = "d-" + UUID.randomUUID();
        assertThat(http().post("/api/auth/google", Map.of("idToken", GOOGLE.token(CLIENT, subject).build())).status())
                .isEqualTo(200);
        final var link = http().request("/api/auth/link/google", null).header("Authorization", "DPoP " + guestAccess)
                .header("DPoP", proof(key, "POST", "/api/auth/link/google", guestAccess))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(TestHttp.json(Map.of("idToken",
                        GOOGLE.token(CLIENT, subject).claim("jti", UUID.randomUUID().toString()).build()))));
        final Answer conflict = http().send(link);
        assertThat(conflict.status()).as(conflict.toString()).isEqualTo(409);
        final var merge = http().request("/api/auth/merge", null).header("Authorization", "DPoP " + guestAccess)
                .header("DPoP", proof(key, "POST", "/api/auth/merge", guestAccess))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(TestHttp.json(Map.of("mergeToken",
                        conflict.json().path("mergeToken").asText()))));

        final Answer merged = http().send(merge);

        assertThat(merged.status()).as(merged.toString()).isEqualTo(200);
        final String access = merged.json().path("tokens").path("accessToken").asText();
        assertThat(merged.json().path("tokens").path("tokenType").asText()).isEqualTo("DPoP");
        assertThat(session(access).get("dpop_jkt")).as("the guest's key").isEqualTo(thumbprint(key));
        assertThat(me("Bearer", access, null).status()).isEqualTo(401);
    }
}
