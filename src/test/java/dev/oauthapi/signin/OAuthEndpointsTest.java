package dev.oauthapi.signin;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The standard OAuth endpoints on the whole service: discovery lists what is served, a token
 * exchange of a Google or Apple ID token signs in, the refresh grant rotates (DPoP-bound too), a
 * revocation ends the session; every request names a known client, and another client's token is
 * {@code invalid_grant} and changes nothing. Errors are RFC 6749's, with our code and request id.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class OAuthEndpointsTest {
    static final String IOS = "1234-ios.apps.googleusercontent.com";
    static final String OTHER = "5678-ios.apps.googleusercontent.com";
    static final String APPLE_APP = "com.example.app";
    static final String BASE = TestEnvironment.ISSUER;
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final Map<String, String> ENV = env();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);
    static final TestDatabase DB = new TestDatabase(ENV);

    private static Map<String, String> env() {
        final Map<String, String> env = TestEnvironment.withProviders(GOOGLE, IOS + "," + OTHER, APPLE, APPLE_APP);
        env.put("OAUTH_CLIENT_IDS", "cli-tool");
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

    private static Answer form(String path, Map<String, String> fields, Map<String, String> headers) {
        return http().postForm(path, fields, headers);
    }

    private static Map<String, String> exchange(String idToken, String client) {
        final Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
        fields.put("subject_token", idToken);
        fields.put("subject_token_type", "urn:ietf:params:oauth:token-type:id_token");
        fields.put("client_id", client);
        return fields;
    }

    private static Answer refresh(String refreshToken, String client, Map<String, String> headers) {
        return form("/oauth/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken,
                "client_id", client), headers);
    }

    private static void oauthError(Answer answer, int status, String error, String code) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.json().path("error").asText()).isEqualTo(error);
        assertThat(answer.json().path("code").asText()).isEqualTo(code);
        assertThat(answer.json().path("requestId").asText()).isNotEmpty();
        assertThat(answer.json().path("error_description").asText()).isNotEmpty();
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void discoveryListsExactlyWhatIsServed() {
        final JsonNode metadata = http().get("/.well-known/oauth-authorization-server", null).json();
        assertThat(metadata.path("issuer").asText()).isEqualTo(TestEnvironment.ISSUER);
        assertThat(metadata.path("token_endpoint").asText()).isEqualTo(BASE + "/oauth/token");
        assertThat(metadata.path("revocation_endpoint").asText()).isEqualTo(BASE + "/oauth/revoke");
        assertThat(metadata.path("jwks_uri").asText()).isEqualTo(BASE + "/.well-known/jwks.json");
        assertThat(metadata.has("authorization_endpoint")).as("the browser sign-in is off here").isFalse();
        final Answer authorize = http().get("/oauth/authorize?client_id=" + IOS, null);
        assertThat(authorize.status()).isEqualTo(404);
        assertThat(authorize.json().path("code").asText()).isEqualTo("provider_not_enabled");
        final Answer codeGrant = form("/oauth/token", Map.of("grant_type", "authorization_code", "code", "x",
                "client_id", IOS), Map.of());
        assertThat(codeGrant.status()).isEqualTo(400);
        assertThat(codeGrant.json().path("error").asText()).as("a grant discovery does not list").isEqualTo("unsupported_grant_type");
        assertThat(metadata.path("grant_types_supported").toString()).contains("refresh_token")
                .contains("token-exchange").doesNotContain("authorization_code");
        assertThat(metadata.path("dpop_signing_alg_values_supported").toString()).contains("ES256");
        // Every endpoint listed answers (a POST without a body is a 400, never a 404).
        for (String endpoint : new String[] {"/oauth/token", "/oauth/revoke"}) {
            assertThat(form(endpoint, Map.of(), Map.of()).status()).isEqualTo(400);
        }
        assertThat(http().get("/.well-known/jwks.json", null).status()).isEqualTo(200);
    }

    @Test
    void aTokenExchangeSignsInAndTheRefreshGrantRotatesForItsClientOnly() {
        final Answer exchanged = form("/oauth/token", exchange(GOOGLE.token(IOS, "o-" + UUID.randomUUID()).build(), IOS),
                Map.of());
        assertThat(exchanged.status()).as(exchanged.toString()).isEqualTo(200);
        assertThat(exchanged.json().path("token_type").asText()).isEqualTo("Bearer");
        assertThat(exchanged.json().path("issued_token_type").asText())
                .isEqualTo("urn:ietf:params:oauth:token-type:access_token");
        assertThat(exchanged.json().path("expires_in").asInt()).isBetween(890, 900);
        assertThat(exchanged.header("Cache-Control")).isEqualTo("no-store");
        final String refreshToken = exchanged.json().path("refresh_token").asText();
        assertThat(http().get("/api/users/me", exchanged.json().path("access_token").asText()).status()).isEqualTo(200);

        final long generation = ((Number) DB.one("SELECT refresh_generation FROM sessions WHERE client_id = ?"
                + " ORDER BY created_at DESC LIMIT 1", IOS).get("refresh_generation")).longValue();
        oauthError(refresh(refreshToken, OTHER, Map.of()), 400, "invalid_grant", "invalid_grant");
        oauthError(refresh(refreshToken, "nobody", Map.of()), 401, "invalid_client", "invalid_client");
        assertThat(((Number) DB.one("SELECT refresh_generation FROM sessions WHERE client_id = ?"
                + " ORDER BY created_at DESC LIMIT 1", IOS).get("refresh_generation")).longValue())
                .as("another client's refresh changed nothing").isEqualTo(generation);

        final Answer refreshed = refresh(refreshToken, IOS, Map.of());
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        assertThat(refreshed.json().path("refresh_token").asText()).isNotEqualTo(refreshToken);
        // The JSON API's grace and reuse rules, through the standard endpoint.
        assertThat(refresh(refreshToken, IOS, Map.of()).status()).as("grace").isEqualTo(200);
        oauthError(refresh("not-a-refresh-token", IOS, Map.of()), 400, "invalid_grant", "invalid_refresh_token");
    }

    @Test
    void aTokenExchangeRefusalIsInvalidRequestNamingTheCheck() {
        final Answer wrongClient = form("/oauth/token", exchange(GOOGLE.token(IOS, "o-" + UUID.randomUUID()).build(),
                OTHER), Map.of());
        oauthError(wrongClient, 400, "invalid_request", "invalid_request");
        final Answer expired = form("/oauth/token", exchange(GOOGLE.token(IOS, "o-" + UUID.randomUUID())
                .expiresInSeconds(-600).build(), IOS), Map.of());
        oauthError(expired, 400, "invalid_request", "invalid_id_token");
        final Map<String, String> unknownType = exchange(GOOGLE.token(IOS, "o-" + UUID.randomUUID()).build(), IOS);
        unknownType.put("subject_token_type", "urn:ietf:params:oauth:token-type:jwt");
        oauthError(form("/oauth/token", unknownType, Map.of()), 400, "invalid_request", "invalid_request");
        oauthError(form("/oauth/token", Map.of("grant_type", "password", "client_id", IOS), Map.of()), 400,
                "unsupported_grant_type", "unsupported_grant_type");
        // The device as the JSON API takes it: a known platform, a storable name.
        for (String[] device : new String[][] {{"phone", "x"}, {"ios", "a\u0000b"}, {"ios", "x".repeat(201)}}) {
            final Map<String, String> withDevice = exchange(GOOGLE.token(IOS, "o-" + UUID.randomUUID()).build(), IOS);
            withDevice.put("device_platform", device[0]);
            withDevice.put("device_name", device[1]);
            oauthError(form("/oauth/token", withDevice, Map.of()), 400, "invalid_request", "invalid_request");
        }
        final Answer apple = form("/oauth/token", exchange(APPLE.token(APPLE_APP, "a-" + UUID.randomUUID()).build(),
                APPLE_APP), Map.of());
        assertThat(apple.status()).as(apple.toString()).isEqualTo(200);
    }

    @Test
    void revocationEndsTheSessionOfItsClientAndIsQuietAboutUnknownTokens() {
        final Answer exchanged = form("/oauth/token", exchange(GOOGLE.token(IOS, "o-" + UUID.randomUUID()).build(), IOS),
                Map.of());
        final String refreshToken = exchanged.json().path("refresh_token").asText();
        final String accessToken = exchanged.json().path("access_token").asText();

        oauthError(form("/oauth/revoke", Map.of("token", refreshToken, "client_id", OTHER), Map.of()), 400,
                "invalid_grant", "invalid_grant");
        assertThat(http().get("/api/users/me", accessToken).status()).as("another client revoked nothing")
                .isEqualTo(200);
        assertThat(form("/oauth/revoke", Map.of("token", refreshToken, "token_type_hint", "refresh_token",
                "client_id", IOS), Map.of()).status()).isEqualTo(200);
        assertThat(http().get("/api/users/me", accessToken).status()).as("its access token at once").isEqualTo(401);
        oauthError(refresh(refreshToken, IOS, Map.of()), 400, "invalid_grant", "session_revoked");
        assertThat(form("/oauth/revoke", Map.of("token", refreshToken, "client_id", IOS), Map.of()).status())
                .as("again").isEqualTo(200);
        assertThat(form("/oauth/revoke", Map.of("token", "unknown", "client_id", "cli-tool"), Map.of()).status())
                .isEqualTo(200);

        final Answer other = form("/oauth/token", exchange(GOOGLE.token(IOS, "o-" + UUID.randomUUID()).build(), IOS),
                Map.of());
        final String otherAccess = other.json().path("access_token").asText();
        assertThat(form("/oauth/revoke", Map.of("token", otherAccess, "client_id", IOS), Map.of()).status())
                .as("an access token ends its session too").isEqualTo(200);
        assertThat(http().get("/api/users/me", otherAccess).status()).isEqualTo(401);
        oauthError(form("/oauth/revoke", Map.of("token", "x", "client_id", "nobody"), Map.of()), 401,
                "invalid_client", "invalid_client");
    }

    @Test
    void theTokenEndpointBindsToADpopKeyAndRefreshesOnlyWithIt() {
        final KeyPair key = TestDpop.key();
        final Answer exchanged = form("/oauth/token", exchange(GOOGLE.token(IOS, "o-" + UUID.randomUUID()).build(), IOS),
                Map.of("DPoP", TestDpop.proof(key, "POST", BASE, "/oauth/token", null, null)));
        assertThat(exchanged.json().path("token_type").asText()).as(exchanged.toString()).isEqualTo("DPoP");
        final String refreshToken = exchanged.json().path("refresh_token").asText();

        oauthError(refresh(refreshToken, IOS, Map.of()), 400, "invalid_grant", "invalid_dpop_proof");
        oauthError(refresh(refreshToken, IOS, Map.of("DPoP", TestDpop.proof(key, "POST", BASE, "/api/auth/refresh",
                null, null))), 400, "invalid_dpop_proof", "invalid_dpop_proof");
        final Answer refreshed = refresh(refreshToken, IOS, Map.of("DPoP", TestDpop.proof(key, "POST", BASE,
                "/oauth/token", null, null)));
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        assertThat(refreshed.json().path("token_type").asText()).isEqualTo("DPoP");
    }
}
