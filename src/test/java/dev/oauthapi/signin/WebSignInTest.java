package dev.oauthapi.signin;

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
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import dev.oauthapi.testing.TestRedis;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.oauthapi.testing.TestBrowser.enc;
import static dev.oauthapi.testing.TestBrowser.location;
import static dev.oauthapi.testing.TestBrowser.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-in through the browser on the real service, against a fake Google that checks what Google
 * checks (client secret, redirect URI, PKCE verifier, single-use codes) and Apple's form_post as
 * Apple sends it. The test plays the browser: it follows each redirect by hand.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class WebSignInTest {
    static final String GOOGLE_WEB = "web.apps.googleusercontent.com";
    static final String APPLE_WEB = "com.example.web";
    static final String APP_URI = "https://app.example.com/signed-in";
    static final String NATIVE_URI = "com.example.app:/oauth";
    static final MutableClock CLOCK = MutableClock.startingNow();
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final FakeGoogleOAuth GOOGLE_OAUTH = FakeGoogleOAuth.start(GOOGLE, GOOGLE_WEB, "web-secret-123", CLOCK);
    static final Map<String, String> ENV = environment();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP =
            TestApp.extension(ENV, environment -> new OAuthApiApplication(environment, CLOCK));
    static final Map<String, String> OFF_ENV = TestEnvironment.withProviders(GOOGLE, GOOGLE_WEB, APPLE, APPLE_WEB);
    static final DropwizardAppExtension<OAuthApiConfiguration> OFF = TestApp.extension(OFF_ENV);
    static final TestDatabase DB = new TestDatabase(ENV);

    private static Map<String, String> environment() {
        return TestEnvironment.withBrowserSignIn(GOOGLE_OAUTH, GOOGLE, "ios.apps.googleusercontent.com," + GOOGLE_WEB,
                APPLE, "com.example.app," + APPLE_WEB, APPLE_WEB, APP_URI + "," + NATIVE_URI);
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

    private static Answer authorize(String provider, String redirectUri, Pkce pkce, String state) {
        return http().get("/api/auth/" + provider + "/authorize?redirect_uri=" + enc(redirectUri) + "&code_challenge="
                + pkce.challenge() + "&code_challenge_method=S256" + (state == null ? "" : "&state=" + enc(state)), null);
    }

    private static Answer appleCallback(Map<String, String> form) {
        final String body = form.entrySet().stream().map(e -> e.getKey() + "=" + enc(e.getValue()))
                .reduce((a, b) -> a + "&" + b).orElse("");
        return http().send(http().request("/api/auth/apple/callback", null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static URI throughGoogle(URI google) throws Exception {
        return TestBrowser.through(google);
    }

    private static Answer callback(URI callback) {
        return TestBrowser.callback(http(), callback);
    }

    private static Answer exchange(String code, String verifier) {
        return http().post("/api/auth/exchange", Map.of("code", code, "codeVerifier", verifier));
    }

    private static URI googleToApp(Pkce pkce, String state) throws Exception {
        final URI google = location(authorize("google", APP_URI, pkce, state));
        return location(callback(throughGoogle(google)));
    }

    @Test
    void googleThroughTheBrowserEndsWithAnOrdinaryWebSession() throws Exception {
        GOOGLE_OAUTH.nextAccount("web-" + UUID.randomUUID() + "@gmail.com", "Web Person");
        final int refusedBefore = GOOGLE_OAUTH.rejections().size();
        final Pkce pkce = Pkce.fresh();

        final URI google = location(authorize("google", APP_URI, pkce, "app-state-1"));
        final Map<String, String> asked = query(google);
        assertThat(google.toString()).startsWith(GOOGLE_OAUTH.baseUrl() + "/o/oauth2/v2/auth?");
        assertThat(asked).containsEntry("client_id", GOOGLE_WEB).containsEntry("code_challenge_method", "S256")
                .containsEntry("redirect_uri", TestEnvironment.ISSUER + "/api/auth/google/callback").containsKey("nonce")
                .containsEntry("prompt", "select_account");
        assertThat(asked.get("code_challenge")).as("our own PKCE toward Google, not the app's").isNotEqualTo(pkce.challenge());
        assertThat(asked.get("state")).isNotEqualTo("app-state-1");

        final URI back = location(callback(throughGoogle(google)));

        assertThat(back.toString()).startsWith(APP_URI + "?code=");
        assertThat(query(back)).containsEntry("state", "app-state-1").doesNotContainKeys("accessToken", "token");
        final Answer signedIn = exchange(query(back).get("code"), pkce.verifier());
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        assertThat(signedIn.header("Cache-Control")).isEqualTo("no-store");
        assertThat(signedIn.json().path("isNewUser").asBoolean()).isTrue();
        assertThat(signedIn.json().path("user").path("name").asText()).isEqualTo("Web Person");
        final String access = signedIn.json().path("tokens").path("accessToken").asText();
        assertThat(http().get("/api/users/me", access).status()).isEqualTo(200);
        assertThat(http().get("/api/auth/sessions", access).json().path("sessions").path(0).path("platform").asText())
                .isEqualTo("web");
        assertThat(http().post("/api/auth/refresh", Map.of("refreshToken",
                signedIn.json().path("tokens").path("refreshToken").asText())).status()).isEqualTo(200);
        assertThat(GOOGLE_OAUTH.rejections()).as("Google found nothing wrong with our requests").hasSize(refusedBefore);
    }

    @Test
    void appleFormPostKeepsTheFirstLoginNameAndANativeAppGetsItsCustomScheme() {
        final Pkce pkce = Pkce.fresh();
        final URI apple = location(authorize("apple", NATIVE_URI, pkce, "n1"));
        final Map<String, String> asked = query(apple);
        assertThat(asked).containsEntry("response_mode", "form_post").containsEntry("client_id", APPLE_WEB)
                .containsEntry("scope", "name email").containsEntry("response_type", "code id_token");
        final String subject = "001." + UUID.randomUUID();

        final URI back = location(appleCallback(Map.of("state", asked.get("state"), "code", "c-apple",
                "id_token", APPLE.token(APPLE_WEB, subject).at(CLOCK.instant()).claim("nonce", asked.get("nonce"))
                        .email(subject + "@privaterelay.appleid.com", "true").build(),
                "user", "{\"name\":{\"firstName\":\"Ada\",\"lastName\":\"Lovelace\"},\"email\":\"x@privaterelay.appleid.com\"}")));

        assertThat(back.toString()).startsWith(NATIVE_URI + "?code=");
        final Answer signedIn = http().post("/api/auth/exchange", Map.of("code", query(back).get("code"),
                "codeVerifier", pkce.verifier(), "device", Map.of("platform", "ios", "name", "Ada's iPhone")));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        assertThat(signedIn.json().path("user").path("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(http().get("/api/auth/sessions", signedIn.json().path("tokens").path("accessToken").asText())
                .json().path("sessions").path(0).path("platform").asText()).isEqualTo("ios");
    }

    @Test
    void aStateWorksOnceAndForTenMinutes() throws Exception {
        final URI google = location(authorize("google", APP_URI, Pkce.fresh(), "s"));
        final URI callback = throughGoogle(google);
        assertThat(location(callback(callback)).toString()).startsWith(APP_URI + "?code=");

        final Answer replayed = callback(callback);

        assertThat(replayed.status()).isEqualTo(400);
        assertThat(replayed.code()).isEqualTo("invalid_request");
        assertThat(replayed.header("Location")).as("never a redirect").isNull();

        final URI late = throughGoogle(location(authorize("google", APP_URI, Pkce.fresh(), "s")));
        CLOCK.advance(Duration.ofMinutes(10).plusSeconds(1));
        assertThat(callback(late).code()).isEqualTo("invalid_request");
        final Answer appleWithGoogleState = appleCallback(Map.of("state", query(google).get("state"), "id_token", "x"));
        assertThat(appleWithGoogleState.status()).isEqualTo(400);
    }

    @Test
    void aRedirectUriThatIsNotOneOfOursExactlyIsA400AndNeverARedirect() {
        for (String foreign : new String[] {"https://evil.example/signed-in", APP_URI + "/", APP_URI + "?x=1",
                "https://APP.example.com/signed-in", "com.example.app:/oauth/../x"}) {
            final Answer refused = authorize("google", foreign, Pkce.fresh(), "s");

            assertThat(refused.status()).as(foreign).isEqualTo(400);
            assertThat(refused.header("Location")).isNull();
            assertThat(refused.json().path("detail").asText()).startsWith("redirect_uri: ");
        }
        final Answer noChallenge = http().get("/api/auth/apple/authorize?redirect_uri=" + enc(APP_URI), null);
        final Answer plain = http().get("/api/auth/apple/authorize?redirect_uri=" + enc(APP_URI) + "&code_challenge="
                + Pkce.fresh().challenge() + "&code_challenge_method=plain", null);
        assertThat(noChallenge.status()).isEqualTo(400);
        assertThat(plain.json().path("detail").asText()).startsWith("code_challenge_method: ");
        assertThat(http().get("/api/auth/github/authorize", null).status()).isEqualTo(404);
    }

    @Test
    void theOneTimeCodeWorksOnceWithinSixtySecondsAndOnlyWithTheVerifier() throws Exception {
        final Pkce pkce = Pkce.fresh();
        final String code = query(googleToApp(pkce, "s")).get("code");

        final Answer wrongVerifier = exchange(code, Pkce.fresh().verifier());
        final Answer afterWrong = exchange(code, pkce.verifier());

        assertThat(wrongVerifier.status()).isEqualTo(401);
        assertThat(wrongVerifier.code()).isEqualTo("invalid_code");
        assertThat(afterWrong.code()).as("a wrong verifier burns the code").isEqualTo("invalid_code");

        final Pkce second = Pkce.fresh();
        final String reused = query(googleToApp(second, "s")).get("code");
        assertThat(exchange(reused, second.verifier()).status()).isEqualTo(200);
        assertThat(exchange(reused, second.verifier()).code()).isEqualTo("invalid_code");

        final Pkce third = Pkce.fresh();
        final String late = query(googleToApp(third, "s")).get("code");
        CLOCK.advance(Duration.ofSeconds(61));
        assertThat(exchange(late, third.verifier()).code()).isEqualTo("invalid_code");
        assertThat(exchange("made-up", third.verifier()).code()).isEqualTo("invalid_code");
    }

    @Test
    void aProviderTokenWithAnotherNonceOrARefusedCodeComesBackAsAnError() throws Exception {
        final URI apple = location(authorize("apple", APP_URI, Pkce.fresh(), "st"));
        final Map<String, String> asked = query(apple);
        final long sessions = DB.count("sessions");

        final URI wrongNonce = location(appleCallback(Map.of("state", asked.get("state"),
                "id_token", APPLE.token(APPLE_WEB, "001." + UUID.randomUUID()).at(CLOCK.instant())
                        .claim("nonce", "someone-elses").build())));

        assertThat(query(wrongNonce)).containsEntry("error", "invalid_nonce").containsEntry("state", "st")
                .doesNotContainKey("code");

        final URI google = location(authorize("google", APP_URI, Pkce.fresh(), "st"));
        final Map<String, String> back = new HashMap<>(query(throughGoogle(google)));
        final URI refused = location(http().get("/api/auth/google/callback?state=" + enc(back.get("state"))
                + "&code=4/forged", null));
        assertThat(query(refused)).containsEntry("error", "invalid_request");
        final URI denied = location(http().get("/api/auth/google/callback?state="
                + enc(query(location(authorize("google", APP_URI, Pkce.fresh(), "st"))).get("state"))
                + "&error=access_denied", null));
        assertThat(query(denied)).containsEntry("error", "access_denied");
        assertThat(DB.count("sessions")).isEqualTo(sessions);
    }

    @Test
    void theAppsStateIsAtMost256CharactersAndLongerIsA400WithoutRedirect() {
        final Answer longest = authorize("google", APP_URI, Pkce.fresh(), "s".repeat(256));
        final Answer tooLong = authorize("google", APP_URI, Pkce.fresh(), "s".repeat(257));

        assertThat(longest.status()).isEqualTo(302);
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.code()).isEqualTo("invalid_request");
        assertThat(tooLong.header("Location")).isNull();
        assertThat(tooLong.json().path("detail").asText()).startsWith("state: ");
    }

    /**
     * Asking for sign-ins fills nothing: the pending authorization travels sealed in the state. A
     * state is remembered only once it signed someone in, so 1,000 callbacks with a junk code
     * leave nothing behind either.
     */
    @Test
    void tenThousandAuthorizationsAndAThousandJunkCallbacksBarelyTouchRedis() throws Exception {
        try (Jedis redis = TestRedis.shared().client()) {
            final String challenge = Pkce.fresh().challenge();
            final ExecutorService clients = Executors.newFixedThreadPool(4);
            try {
                // The same concurrency first, so that the service's pooled Redis connections (whose
                // buffers Redis counts as used memory) exist before the measure is taken.
                final List<Future<Integer>> warm = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    warm.add(clients.submit(() -> authorize("google", APP_URI, new Pkce("unused", challenge), "warm")
                            .status()));
                    if (i % 4 == 0) {
                        warm.add(clients.submit(() -> location(http().get("/api/auth/google/callback?code=4/junk&state="
                                + enc(query(location(authorize("google", APP_URI, Pkce.fresh(), "w"))).get("state")),
                                null)).getPath().isEmpty() ? 0 : 302));
                    }
                }
                for (Future<Integer> status : warm) {
                    assertThat(status.get()).isEqualTo(302);
                }
                final long before = usedMemory(redis);
                final int statesBefore = redis.keys("oauth-api:wsu:*").size();
                final List<Future<Integer>> asked = new ArrayList<>();
                for (int i = 0; i < 10_000; i++) {
                    final String appState = "flood-" + i + "-" + "x".repeat(240);
                    asked.add(clients.submit(() -> authorize("apple", APP_URI, new Pkce("unused", challenge), appState)
                            .status()));
                }
                final List<Future<String>> junk = new ArrayList<>();
                for (int i = 0; i < 1_000; i++) {
                    junk.add(clients.submit(() -> {
                        final String state = query(location(authorize("google", APP_URI, Pkce.fresh(), "j"))).get("state");
                        return query(location(http().get("/api/auth/google/callback?code=4/junk&state=" + enc(state),
                                null))).get("error");
                    }));
                }
                for (Future<Integer> status : asked) {
                    assertThat(status.get()).isEqualTo(302);
                }
                for (Future<String> error : junk) {
                    assertThat(error.get()).isEqualTo("invalid_request");
                }
                assertThat(usedMemory(redis) - before).as("bytes Redis grew by").isLessThan(200 * 1024);
                assertThat(redis.keys("oauth-api:wsu:*")).as("no state remembered for a junk code").hasSize(statesBefore);
            } finally {
                clients.shutdownNow();
            }
        }
    }

    private static long usedMemory(Jedis redis) {
        return Long.parseLong(redis.info("memory").lines().filter(line -> line.startsWith("used_memory:"))
                .findFirst().orElseThrow().substring("used_memory:".length()).strip());
    }

    /** Redis holds the grant behind a code, sealed and bound to it: altered or moved, it is no grant. */
    @Test
    void aGrantAlteredOrMovedInRedisIsRefusedAndCounted() throws Exception {
        final Pkce pkce = Pkce.fresh();
        final String altered = query(googleToApp(pkce, "s")).get("code");
        final Pkce other = Pkce.fresh();
        final String donor = query(googleToApp(other, "s")).get("code");
        final Pkce third = Pkce.fresh();
        final String target = query(googleToApp(third, "s")).get("code");
        try (Jedis redis = TestRedis.shared().client()) {
            final String alteredKey = "oauth-api:web-code:" + sha256Hex(altered);
            final String sealed = redis.get(alteredKey);
            assertThat(sealed).isNotNull().doesNotContain("idToken").doesNotContain("@gmail.com");
            final char flipped = sealed.charAt(20) == 'A' ? 'B' : 'A';
            redis.set(alteredKey, sealed.substring(0, 20) + flipped + sealed.substring(21));
            // A genuine grant of another code, moved under this one's key.
            redis.set("oauth-api:web-code:" + sha256Hex(target), redis.get("oauth-api:web-code:" + sha256Hex(donor)));
        }

        final Answer alteredAnswer = exchange(altered, pkce.verifier());
        final Answer movedAnswer = exchange(target, other.verifier());

        assertThat(alteredAnswer.status()).isEqualTo(401);
        assertThat(alteredAnswer.code()).isEqualTo("invalid_code");
        assertThat(movedAnswer.code()).isEqualTo("invalid_code");
        assertThat(new TestHttp(APP.getAdminPort()).get("/prometheus", null).response().body())
                .contains("oauth_redis_values_untrusted_total{value=\"web_grant\"} 2.0");
    }

    private static String sha256Hex(String value) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void withoutRedirectUrisTheFlowsAreOff() {
        final TestHttp off = new TestHttp(OFF.getLocalPort());

        for (Answer answer : new Answer[] {
                off.get("/api/auth/google/authorize?redirect_uri=" + enc(APP_URI) + "&code_challenge="
                        + Pkce.fresh().challenge() + "&code_challenge_method=S256", null),
                off.get("/api/auth/apple/authorize", null),
                off.get("/api/auth/google/callback?code=x&state=y", null),
                off.post("/api/auth/exchange", Map.of("code", "x", "codeVerifier", Pkce.fresh().verifier()))}) {
            assertThat(answer.status()).as(answer.toString()).isEqualTo(404);
            assertThat(answer.code()).isEqualTo("provider_not_enabled");
        }
    }
}
