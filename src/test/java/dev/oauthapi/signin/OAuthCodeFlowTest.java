package dev.oauthapi.signin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oauthapi.OAuthApiApplication;
import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeGoogleOAuth;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.MutableClock;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestBrowser;
import dev.oauthapi.testing.TestBrowser.Pkce;
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

import java.net.URI;
import java.net.http.HttpRequest;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static dev.oauthapi.testing.TestBrowser.enc;
import static dev.oauthapi.testing.TestBrowser.location;
import static dev.oauthapi.testing.TestBrowser.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser sign-in through the standard endpoints ({@code /oauth/authorize}, then the
 * authorization-code grant of {@code /oauth/token}) on the real service, with the fake Google and
 * Apple of {@link WebSignInTest}: the same flow, spoken as RFC 6749 (errors as redirects once the
 * client and its {@code redirect_uri} are known, RFC 9207's {@code iss}), for one client, and bound
 * to a DPoP key when the authorization names one (RFC 9449 §10). Server nonces are on here.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class OAuthCodeFlowTest {
    static final String GOOGLE_WEB = "web.apps.googleusercontent.com";
    static final String APPLE_WEB = "com.example.web";
    static final String SPA = "spa-client";
    static final String APP_URI = "https://app.example.com/signed-in";
    static final String BASE = TestEnvironment.ISSUER;
    static final MutableClock CLOCK = MutableClock.startingNow();
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final FakeGoogleOAuth GOOGLE_OAUTH = FakeGoogleOAuth.start(GOOGLE, GOOGLE_WEB, "web-secret-123", CLOCK);
    static final Map<String, String> ENV = environment();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP =
            TestApp.extension(ENV, environment -> new OAuthApiApplication(environment, CLOCK));
    static final TestDatabase DB = new TestDatabase(ENV);

    private static Map<String, String> environment() {
        final Map<String, String> env = TestEnvironment.withBrowserSignIn(GOOGLE_OAUTH, GOOGLE,
                "ios.apps.googleusercontent.com," + GOOGLE_WEB, APPLE, "com.example.app," + APPLE_WEB, APPLE_WEB, APP_URI);
        env.put("OAUTH_CLIENT_IDS", SPA);
        env.put("DPOP_NONCES", "true");
        return env;
    }

    @AfterAll
    static void stop() {
        GOOGLE_OAUTH.close();
        GOOGLE.close();
        APPLE.close();
    }

    private static TestHttp http() {
        return new TestHttp(APP.getLocalPort());
    }

    private static Answer authorize(Map<String, String> parameters) {
        final StringBuilder query = new StringBuilder();
        parameters.forEach((name, value) -> query.append(query.isEmpty() ? "?" : "&").append(name).append('=')
                .append(enc(value)));
        return http().get("/oauth/authorize" + query, null);
    }

    /** A complete authorization request of {@code client} for Google, with the app's PKCE challenge. */
    private static Map<String, String> request(String client, Pkce pkce) {
        final Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", client);
        parameters.put("redirect_uri", APP_URI);
        parameters.put("code_challenge", pkce.challenge());
        parameters.put("code_challenge_method", "S256");
        parameters.put("state", "app-state");
        parameters.put("provider", "google");
        return parameters;
    }

    /** Through Google and back to the app: the redirect's parameters. */
    private static Map<String, String> signInAtGoogle(Map<String, String> request) throws Exception {
        GOOGLE_OAUTH.nextAccount("code-" + UUID.randomUUID() + "@gmail.com", "Code Flow");
        final URI back = location(TestBrowser.callback(http(), TestBrowser.through(location(authorize(request)))));
        assertThat(back.toString()).startsWith(APP_URI + "?");
        return query(back);
    }

    private static Answer redeem(String code, Pkce pkce, String client, String redirectUri, Map<String, String> headers) {
        final Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "authorization_code");
        fields.put("code", code);
        fields.put("code_verifier", pkce.verifier());
        fields.put("redirect_uri", redirectUri);
        fields.put("client_id", client);
        return http().postForm("/oauth/token", fields, headers);
    }

    private static String proof(KeyPair key, String nonce) {
        return TestDpop.proof(key, "POST", BASE, "/oauth/token", null, nonce, CLOCK.instant());
    }

    private static void invalidGrant(Answer answer, String code) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.json().path("error").asText()).isEqualTo("invalid_grant");
        assertThat(answer.json().path("code").asText()).isEqualTo(code);
        assertThat(answer.json().path("error_description").asText()).isNotEmpty();
    }

    /** The app is sent back with {@code error}, its state, our issuer and our code as the description. */
    private static void refusedTo(Answer answer, String error, String description) {
        final URI back = location(answer);
        assertThat(back.toString()).startsWith(APP_URI + "?");
        assertThat(query(back)).containsEntry("error", error).containsEntry("error_description", description)
                .containsEntry("iss", TestEnvironment.ISSUER).doesNotContainKey("code");
    }

    @Test
    void discoveryListsTheAuthorizationEndpointAndTheCodeGrant() {
        final JsonNode metadata = http().get("/.well-known/oauth-authorization-server", null).json();

        assertThat(metadata.path("authorization_endpoint").asText()).isEqualTo(BASE + "/oauth/authorize");
        assertThat(metadata.path("response_types_supported").toString()).isEqualTo("[\"code\"]");
        assertThat(metadata.path("grant_types_supported").toString()).contains("\"authorization_code\"");
        assertThat(metadata.path("authorization_response_iss_parameter_supported").asBoolean()).isTrue();
        // Served: without parameters it is a 400 shown to the user, never a 404.
        assertThat(http().get("/oauth/authorize", null).status()).isEqualTo(400);
    }

    @Test
    void theCodeFlowSignsInForTheClientThatAskedAndOnlyItRefreshes() throws Exception {
        final Pkce pkce = Pkce.fresh();
        final Map<String, String> back = signInAtGoogle(request(SPA, pkce));
        assertThat(back).containsEntry("state", "app-state").containsEntry("iss", TestEnvironment.ISSUER)
                .containsKey("code");

        final Answer tokens = redeem(back.get("code"), pkce, SPA, APP_URI, Map.of());

        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        assertThat(tokens.json().path("token_type").asText()).isEqualTo("Bearer");
        assertThat(tokens.json().has("issued_token_type")).isFalse();
        assertThat(tokens.header("Cache-Control")).isEqualTo("no-store");
        final String access = tokens.json().path("access_token").asText();
        final JsonNode me = http().get("/api/users/me", access).json();
        assertThat(me.path("name").asText()).isEqualTo("Code Flow");
        final Map<String, Object> session = DB.one("SELECT client_id, platform FROM sessions WHERE user_id = ?::uuid",
                me.path("id").asText());
        assertThat(session).containsEntry("client_id", SPA).containsEntry("platform", "web");

        final String refreshToken = tokens.json().path("refresh_token").asText();
        invalidGrant(http().postForm("/oauth/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken,
                "client_id", GOOGLE_WEB), Map.of()), "invalid_grant");
        final Answer refreshed = http().postForm("/oauth/token", Map.of("grant_type", "refresh_token",
                "refresh_token", refreshToken, "client_id", SPA), Map.of());
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        // idp_hint is provider's synonym.
        final Map<String, String> hinted = request(SPA, Pkce.fresh());
        hinted.remove("provider");
        hinted.put("idp_hint", "google");
        assertThat(location(authorize(hinted)).toString()).startsWith(GOOGLE_OAUTH.baseUrl() + "/");
    }

    @Test
    void theCodeWorksOnceForItsClientRedirectUriAndVerifier() throws Exception {
        final Pkce pkce = Pkce.fresh();
        for (String[] wrong : new String[][] {{"verifier"}, {"client"}, {"redirect"}}) {
            final String code = signInAtGoogle(request(SPA, pkce)).get("code");
            final Answer refused = switch (wrong[0]) {
                case "verifier" -> redeem(code, Pkce.fresh(), SPA, APP_URI, Map.of());
                case "client" -> redeem(code, pkce, GOOGLE_WEB, APP_URI, Map.of());
                default -> redeem(code, pkce, SPA, APP_URI + "/other", Map.of());
            };
            invalidGrant(refused, "invalid_code");
            invalidGrant(redeem(code, pkce, SPA, APP_URI, Map.of()), "invalid_code"); // spent by the refusal
        }
        final String code = signInAtGoogle(request(SPA, pkce)).get("code");
        assertThat(redeem(code, pkce, SPA, APP_URI, Map.of()).status()).isEqualTo(200);
        invalidGrant(redeem(code, pkce, SPA, APP_URI, Map.of()), "invalid_code");
        final Answer unknownClient = redeem("whatever", pkce, "nobody", APP_URI, Map.of());
        assertThat(unknownClient.status()).isEqualTo(401);
        assertThat(unknownClient.json().path("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void aCodeOfOneFlowIsRefusedByTheOther() throws Exception {
        final Pkce pkce = Pkce.fresh();
        final String oauthCode = signInAtGoogle(request(SPA, pkce)).get("code");
        final Answer atJsonApi = http().post("/api/auth/exchange", Map.of("code", oauthCode, "codeVerifier",
                pkce.verifier()));
        assertThat(atJsonApi.status()).isEqualTo(401);
        assertThat(atJsonApi.code()).isEqualTo("invalid_code");

        GOOGLE_OAUTH.nextAccount("json-" + UUID.randomUUID() + "@gmail.com", "Json Flow");
        final URI jsonBack = location(TestBrowser.callback(http(), TestBrowser.through(location(http().get(
                "/api/auth/google/authorize?redirect_uri=" + enc(APP_URI) + "&code_challenge=" + pkce.challenge()
                        + "&code_challenge_method=S256", null)))));
        assertThat(query(jsonBack)).doesNotContainKey("iss");
        invalidGrant(redeem(query(jsonBack).get("code"), pkce, SPA, APP_URI, Map.of()), "invalid_code");
    }

    @Test
    void onlyAnUnknownClientOrRedirectUriIsRefusedWithoutARedirect() {
        final Pkce pkce = Pkce.fresh();
        final Map<String, String> noClient = request(SPA, pkce);
        noClient.remove("client_id");
        final Map<String, String> foreignUri = request(SPA, pkce);
        foreignUri.put("redirect_uri", "https://evil.example/signed-in");
        for (Map<String, String> request : new Map[] {noClient, request("nobody", pkce), foreignUri}) {
            final Answer refused = authorize(request);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertThat(refused.header("Location")).isNull();
            assertThat(refused.json().path("error").asText()).isIn("invalid_request", "invalid_client");
            assertThat(refused.json().path("requestId").asText()).isNotEmpty();
        }

        final Map<String, String> token = request(SPA, pkce);
        token.put("response_type", "token");
        refusedTo(authorize(token), "unsupported_response_type", "invalid_request");
        assertThat(query(location(authorize(token)))).containsEntry("state", "app-state");
        final Map<String, String> noProvider = request(SPA, pkce);
        noProvider.remove("provider");
        final Map<String, String> github = request(SPA, pkce);
        github.put("provider", "github");
        final Map<String, String> noPkce = request(SPA, pkce);
        noPkce.remove("code_challenge");
        final Map<String, String> badJkt = request(SPA, pkce);
        badJkt.put("dpop_jkt", "not a thumbprint");
        for (Map<String, String> request : new Map[] {noProvider, github, noPkce, badJkt}) {
            refusedTo(authorize(request), "invalid_request", "invalid_request");
        }
        // A repeated parameter: only the client's and its redirect_uri's are answered here.
        final String query = "?response_type=code&client_id=" + SPA + "&redirect_uri=" + enc(APP_URI)
                + "&code_challenge=" + pkce.challenge() + "&code_challenge_method=S256&provider=google";
        refusedTo(http().get("/oauth/authorize" + query + "&provider=apple", null), "invalid_request", "invalid_request");
        final Answer twoClients = http().get("/oauth/authorize" + query + "&client_id=" + SPA, null);
        assertThat(twoClients.status()).isEqualTo(400);
        assertThat(twoClients.header("Location")).isNull();
    }

    /** The JSON API's browser flow too checks the proof before it spends the code: a nonce challenge leaves it usable. */
    @Test
    void theJsonApisExchangeKeepsItsCodeThroughANonceChallenge() throws Exception {
        final Pkce pkce = Pkce.fresh();
        GOOGLE_OAUTH.nextAccount("json-nonce-" + UUID.randomUUID() + "@gmail.com", "Json Nonce");
        final String code = query(location(TestBrowser.callback(http(), TestBrowser.through(location(http().get(
                "/api/auth/google/authorize?redirect_uri=" + enc(APP_URI) + "&code_challenge=" + pkce.challenge()
                        + "&code_challenge_method=S256", null)))))).get("code");
        final KeyPair key = TestDpop.key();
        final Map<String, String> body = Map.of("code", code, "codeVerifier", pkce.verifier());

        final Answer challenged = http().post("/api/auth/exchange", body, null, Map.of("DPoP",
                TestDpop.proof(key, "POST", BASE, "/api/auth/exchange", null, null, CLOCK.instant())));
        final Answer signedIn = http().post("/api/auth/exchange", body, null, Map.of("DPoP", TestDpop.proof(key, "POST",
                BASE, "/api/auth/exchange", null, challenged.header("DPoP-Nonce"), CLOCK.instant())));

        assertThat(challenged.status()).isEqualTo(400);
        assertThat(challenged.code()).isEqualTo("use_dpop_nonce");
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        assertThat(signedIn.json().path("tokens").path("tokenType").asText()).isEqualTo("DPoP");
    }

    @Test
    void aUserWhoCancelsOrWhomTheProviderRefusesIsSentBackWithAccessDenied() throws Exception {
        final URI google = location(authorize(request(SPA, Pkce.fresh())));
        refusedTo(http().get("/api/auth/google/callback?error=access_denied&state="
                + enc(query(google).get("state")), null), "access_denied", "access_denied");

        final Map<String, String> appleRequest = request(SPA, Pkce.fresh());
        appleRequest.put("provider", "apple");
        final Map<String, String> asked = query(location(authorize(appleRequest)));
        final Answer wrongNonce = http().send(http().request("/api/auth/apple/callback", null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("state=" + enc(asked.get("state")) + "&id_token="
                        + enc(APPLE.token(APPLE_WEB, "001." + UUID.randomUUID()).at(CLOCK.instant())
                        .claim("nonce", "not-the-state-nonce").build()))));
        refusedTo(wrongNonce, "access_denied", "invalid_nonce");
    }

    @Test
    void aCodeBoundWithDpopJktIsRedeemedOnlyByAProofOfThatKey() throws Exception {
        final KeyPair key = TestDpop.key();
        final Pkce pkce = Pkce.fresh();
        final Map<String, String> bound = request(SPA, pkce);
        bound.put("dpop_jkt", TestDpop.thumbprint(key));

        invalidGrant(redeem(signInAtGoogle(bound).get("code"), pkce, SPA, APP_URI, Map.of()), "invalid_dpop_proof");
        final String nonce = http().get("/health", null).header("DPoP-Nonce");
        invalidGrant(redeem(signInAtGoogle(bound).get("code"), pkce, SPA, APP_URI,
                Map.of("DPoP", proof(TestDpop.key(), nonce))), "invalid_dpop_proof");

        // A nonce challenge comes before the code is spent: the retry with the nonce redeems it.
        final String code = signInAtGoogle(bound).get("code");
        final Answer challenged = redeem(code, pkce, SPA, APP_URI, Map.of("DPoP", proof(key, null)));
        assertThat(challenged.status()).as(challenged.toString()).isEqualTo(400);
        assertThat(challenged.json().path("error").asText()).isEqualTo("use_dpop_nonce");
        final Answer tokens = redeem(code, pkce, SPA, APP_URI,
                Map.of("DPoP", proof(key, challenged.header("DPoP-Nonce"))));

        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        assertThat(tokens.json().path("token_type").asText()).isEqualTo("DPoP");
        assertThat(DB.one("SELECT dpop_jkt FROM sessions WHERE client_id = ? AND dpop_jkt IS NOT NULL"
                + " ORDER BY created_at DESC LIMIT 1", SPA)).containsEntry("dpop_jkt", TestDpop.thumbprint(key));
        invalidGrant(http().postForm("/oauth/token", Map.of("grant_type", "refresh_token", "refresh_token",
                tokens.json().path("refresh_token").asText(), "client_id", SPA), Map.of()), "invalid_dpop_proof");
    }
}
