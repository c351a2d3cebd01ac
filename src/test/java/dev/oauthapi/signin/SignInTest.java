package dev.oauthapi.signin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import dev.oauthapi.testing.TestTokens;
import dev.oauthapi.tokens.Sha256;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-in from a mobile app, end to end: fake Google and Apple with real keys and a served JWKS,
 * the real service on real PostgreSQL and Redis.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SignInTest {
    static final String GOOGLE_IOS = "1234-ios.apps.googleusercontent.com";
    static final String GOOGLE_WEB = "1234-web.apps.googleusercontent.com";
    static final String APPLE_APP = "com.example.app";
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final Map<String, String> ENV = TestEnvironment.withProviders(GOOGLE, GOOGLE_IOS + "," + GOOGLE_WEB, APPLE, APPLE_APP);
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);
    static final TestDatabase DB = new TestDatabase(ENV);

    @AfterAll
    static void stopProviders() {
        GOOGLE.close();
        APPLE.close();
    }

    private static TestHttp http() {
        return new TestHttp(APP.getLocalPort());
    }

    private static String subject() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static TestTokens.Builder google(String subject) {
        return GOOGLE.token(GOOGLE_IOS, subject);
    }

    private static TestTokens.Builder apple(String subject) {
        return APPLE.token(APPLE_APP, "001234." + subject + ".0042");
    }

    private static Answer signInWithGoogle(String idToken) {
        return http().post("/api/auth/google", Map.of("idToken", idToken,
                "device", Map.of("platform", "ios", "name", "Ada's iPhone", "appVersion", "1.2.3")));
    }

    private static Answer signInWithApple(String identityToken, Map<String, String> fullName) {
        final Map<String, Object> body = new HashMap<>();
        body.put("identityToken", identityToken);
        if (fullName != null) {
            body.put("fullName", fullName);
        }
        return http().post("/api/auth/apple", body);
    }

    private static String email() {
        return "user-" + UUID.randomUUID() + "@gmail.com"; // Google is the authority for Gmail addresses
    }

    // --- Sign-in ---

    @Test
    void firstGoogleSignInCreatesUserIdentityAndSessionAndAnswersTheContract() {
        final String subject = subject();
        final String email = email();

        final Answer answer = signInWithGoogle(google(subject).email(email, true)
                .claim("name", "Ada Lovelace").claim("picture", "https://lh3.example/ada.png").build());

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.json().path("isNewUser").asBoolean()).isTrue();
        final JsonNode user = answer.json().path("user");
        assertThat(user.path("email").asText()).isEqualTo(email);
        assertThat(user.path("emailVerified").asBoolean()).isTrue();
        assertThat(user.path("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(user.path("avatarUrl").asText()).isEqualTo("https://lh3.example/ada.png");
        assertThat(user.path("role").asText()).isEqualTo("user");
        assertThat(user.path("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(user.path("identities")).hasSize(1);
        assertThat(user.path("identities").get(0).path("provider").asText()).isEqualTo("google");
        assertThat(user.path("identities").get(0).path("isPrivateEmail").asBoolean()).isFalse();

        final JsonNode tokens = answer.json().path("tokens");
        assertThat(tokens.path("tokenType").asText()).isEqualTo("Bearer");
        assertThat(tokens.path("expiresIn").asLong()).isEqualTo(900);
        assertThat(tokens.path("refreshExpiresIn").asLong()).isEqualTo(30L * 24 * 3600);
        // Opaque to apps: 256 random bits, the session it names and a MAC, base64url.
        assertThat(tokens.path("refreshToken").asText()).matches("[A-Za-z0-9_-]{91}");
        assertThat(Instant.parse(tokens.path("serverTime").asText())).isBeforeOrEqualTo(Instant.now());

        final UUID userId = UUID.fromString(user.path("id").asText());
        assertThat(DB.one("SELECT count(*) AS n FROM identities WHERE user_id = ? AND provider = 'google' AND subject = ?",
                userId, subject).get("n")).isEqualTo(1L);
        final Map<String, Object> session = DB.one("SELECT * FROM sessions WHERE user_id = ?", userId);
        assertThat(session).containsEntry("provider", "google").containsEntry("platform", "ios")
                .containsEntry("device_name", "Ada's iPhone").containsEntry("app_version", "1.2.3")
                .containsEntry("client_id", GOOGLE_IOS);
        assertThat(String.valueOf(session.get("ip_address"))).isEqualTo("127.0.0.1");
        assertThat(session).containsEntry("refresh_generation", 0);
        assertThat(DB.one("SELECT count(*) AS n FROM refresh_tokens WHERE session_id = ?", session.get("id")).get("n"))
                .as("the session row is where its refresh tokens live").isEqualTo(0L);
        assertThat(DB.one("SELECT count(*) AS n FROM audit_log WHERE user_id = ? AND event = 'sign_in'", userId).get("n"))
                .isEqualTo(1L);
        // Only the hash of the token's secret (bytes 21 to 52, after the session id and generation).
        assertThat(DB.rows("SELECT 1 FROM sessions WHERE refresh_hash"
                        + " = sha256(substring(decode(translate(?, '-_', '+/') || '=', 'base64') from 21 for 32))",
                tokens.path("refreshToken").asText())).as("stored as a hash").hasSize(1);
    }

    @Test
    void theAccessTokenOpensUsersMeWithTheContractUser() {
        final Answer signIn = signInWithGoogle(google(subject()).email(email(), true).build());

        final Answer me = http().get("/api/users/me", signIn.json().path("tokens").path("accessToken").asText());

        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json()).isEqualTo(signIn.json().path("user"));
    }

    @Test
    void aSecondSignInFindsTheSameUser() {
        final String subject = subject();
        final Answer first = signInWithGoogle(google(subject).build());
        final Answer second = signInWithGoogle(google(subject).issuedSecondsAgo(1).build());

        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().path("isNewUser").asBoolean()).isFalse();
        assertThat(second.json().path("user").path("id")).isEqualTo(first.json().path("user").path("id"));
    }

    @Test
    void appleSignInTakesStringBooleansAndStoresTheNameOnceNeverOverwritingIt() {
        final String subject = subject();
        final Answer first = signInWithApple(apple(subject).email("abc@privaterelay.appleid.com", "true")
                .claim("is_private_email", "true").build(), Map.of("givenName", "Grace", "familyName", "Hopper"));

        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().path("user").path("name").asText()).isEqualTo("Grace Hopper");
        assertThat(first.json().path("user").path("identities").get(0).path("isPrivateEmail").asBoolean()).isTrue();

        final Answer later = signInWithApple(apple(subject).issuedSecondsAgo(2).build(), Map.of("givenName", ""));
        final Answer renamed = signInWithApple(apple(subject).issuedSecondsAgo(3).build(), Map.of("givenName", "Someone"));

        assertThat(later.json().path("user").path("name").asText()).isEqualTo("Grace Hopper");
        assertThat(renamed.json().path("user").path("name").asText()).isEqualTo("Grace Hopper");
        assertThat(later.json().path("user").path("email").asText()).isEqualTo("abc@privaterelay.appleid.com");
    }

    @Test
    void aVerifiedEmailLinksAppleToTheExistingGoogleUser() {
        final String email = email();
        final Answer google = signInWithGoogle(google(subject()).email(email, true).build());

        final Answer apple = signInWithApple(apple(subject()).email(email.toUpperCase(), "true").build(), null);

        assertThat(apple.status()).isEqualTo(200);
        assertThat(apple.json().path("isNewUser").asBoolean()).isFalse();
        assertThat(apple.json().path("user").path("id")).isEqualTo(google.json().path("user").path("id"));
        assertThat(apple.json().path("user").path("identities")).hasSize(2);
    }

    @Test
    void anUnverifiedEmailDoesNotLink() {
        final String email = email();
        final Answer google = signInWithGoogle(google(subject()).email(email, true).build());

        final Answer apple = signInWithApple(apple(subject()).email(email, "false").build(), null);

        assertThat(apple.json().path("isNewUser").asBoolean()).isTrue();
        assertThat(apple.json().path("user").path("id")).isNotEqualTo(google.json().path("user").path("id"));
    }

    @Test
    void aPrivateRelayEmailDoesNotLink() {
        final String relay = "relay-" + subject() + "@privaterelay.appleid.com";
        final Answer google = signInWithGoogle(google(subject()).email(relay, true).build());

        final Answer apple = signInWithApple(apple(subject()).email(relay, "true").claim("is_private_email", "true")
                .build(), null);

        assertThat(apple.json().path("isNewUser").asBoolean()).isTrue();
        assertThat(apple.json().path("user").path("id")).isNotEqualTo(google.json().path("user").path("id"));
    }

    @Test
    void concurrentFirstSignInsOfOneIdentityMakeOneUser() throws Exception {
        final String subject = subject();
        final List<Callable<Answer>> attempts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            final String token = google(subject).issuedSecondsAgo(i).claim("jti", "attempt-" + i).build();
            attempts.add(() -> signInWithGoogle(token));
        }
        final ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            final List<Answer> answers = new ArrayList<>();
            for (Future<Answer> answer : pool.invokeAll(attempts)) {
                answers.add(answer.get());
            }

            assertThat(answers).allSatisfy(answer -> assertThat(answer.status()).as(answer.toString()).isEqualTo(200));
            assertThat(answers.stream().map(answer -> answer.json().path("user").path("id").asText()).distinct())
                    .hasSize(1);
            assertThat(answers.stream().filter(answer -> answer.json().path("isNewUser").asBoolean())).hasSize(1);
            assertThat(DB.one("SELECT count(*) AS n FROM identities WHERE subject = ?", subject).get("n")).isEqualTo(1L);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDisabledUserIsRefusedAndNothingIsWritten() {
        final String subject = subject();
        final Answer first = signInWithGoogle(google(subject).build());
        DB.execute("UPDATE users SET disabled_at = now() WHERE id = ?::uuid", first.json().path("user").path("id").asText());
        final Map<String, Long> before = DB.counts();

        final Answer refused = signInWithGoogle(google(subject).issuedSecondsAgo(1).build());

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.code()).isEqualTo("account_disabled");
        assertThat(DB.counts()).isEqualTo(before);
    }

    @Test
    void theSameProviderTokenSignsInOnce() {
        final String token = google(subject()).build();

        assertThat(signInWithGoogle(token).status()).isEqualTo(200);
        final Map<String, Long> before = DB.counts();
        final Answer replay = signInWithGoogle(token);

        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.code()).isEqualTo("id_token_replayed");
        assertThat(DB.counts()).isEqualTo(before);
    }

    @Test
    void aRefusedSignInDoesNotUseUpTheToken() {
        final String subject = subject();
        final Answer first = signInWithGoogle(google(subject).build());
        DB.execute("UPDATE users SET disabled_at = now() WHERE id = ?::uuid", first.json().path("user").path("id").asText());
        final String token = google(subject).issuedSecondsAgo(1).build();
        assertThat(signInWithGoogle(token).code()).isEqualTo("account_disabled");
        DB.execute("UPDATE users SET disabled_at = NULL WHERE id = ?::uuid", first.json().path("user").path("id").asText());

        assertThat(signInWithGoogle(token).status()).as("the retry").isEqualTo(200);
    }

    @Test
    void aGoogleAddressOutsideGmailOrItsWorkspaceDoesNotLink() {
        final String email = "ada-" + UUID.randomUUID() + "@corp.example";
        final Answer apple = signInWithApple(apple(subject()).email(email, "true").build(), null);

        final Answer googleWithoutDomain = signInWithGoogle(google(subject()).email(email, true).build());
        final Answer googleWorkspace = signInWithGoogle(google(subject()).email(email, true).claim("hd", "corp.example").build());

        assertThat(googleWithoutDomain.json().path("isNewUser").asBoolean()).as("Google is no authority here").isTrue();
        assertThat(googleWorkspace.json().path("user").path("id")).isEqualTo(apple.json().path("user").path("id"));
    }

    @Test
    void aRefusedSignInGivesTheNonceBack() {
        final String subject = subject();
        final Answer first = signInWithGoogle(google(subject).build());
        final String userId = first.json().path("user").path("id").asText();
        DB.execute("UPDATE users SET disabled_at = now() WHERE id = ?::uuid", userId);
        final String nonce = http().post("/api/auth/nonce", "").json().path("nonce").asText();
        final String token = google(subject).issuedSecondsAgo(1).claim("nonce", nonce).build();
        assertThat(http().post("/api/auth/google", Map.of("idToken", token, "nonce", nonce)).code())
                .isEqualTo("account_disabled");
        DB.execute("UPDATE users SET disabled_at = NULL WHERE id = ?::uuid", userId);

        final Answer retry = http().post("/api/auth/google", Map.of("idToken", token, "nonce", nonce));

        assertThat(retry.status()).as(retry.toString()).isEqualTo(200);
    }

    @Test
    void anotherSpellingOfAUsedTokenIsNotANewToken() {
        final String token = google(subject()).build();
        assertThat(signInWithGoogle(token).status()).isEqualTo(200);

        final Answer padded = signInWithGoogle(token + "==");

        assertThat(padded.status()).isEqualTo(401);
        assertThat(padded.code()).isEqualTo("invalid_id_token");
    }

    // --- Nonces ---

    @Test
    void anIssuedNonceWorksOnceRawOrHashed() {
        final String nonce = http().post("/api/auth/nonce", "").json().path("nonce").asText();
        final Answer answer = http().post("/api/auth/google", Map.of("nonce", nonce,
                "idToken", google(subject()).claim("nonce", nonce).build()));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);

        final Answer again = http().post("/api/auth/google", Map.of("nonce", nonce,
                "idToken", google(subject()).claim("nonce", nonce).build()));
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.code()).isEqualTo("invalid_nonce");

        final String second = http().post("/api/auth/nonce", "").json().path("nonce").asText();
        final Answer hashed = http().post("/api/auth/apple", Map.of("nonce", second, "identityToken",
                apple(subject()).claim("nonce", Sha256.hex(second)).build()));
        assertThat(hashed.status()).as(hashed.toString()).isEqualTo(200);
    }

    @Test
    void nonceEndpointAnswersASingleUseNonceAndItsLifetime() {
        final Answer answer = http().post("/api/auth/nonce", "");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("nonce").asText()).matches("[A-Za-z0-9_-]{55}");
        assertThat(answer.json().path("expiresIn").asLong()).isEqualTo(600);
    }

    @Test
    void aNonceWeNeverIssuedIsRefused() {
        final Answer answer = http().post("/api/auth/google", Map.of("nonce", "made-up",
                "idToken", google(subject()).claim("nonce", "made-up").build()));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.code()).isEqualTo("invalid_nonce");
    }

    @Test
    void aTokenNonceWithoutTheRawNonceIsRefused() {
        final Answer answer = signInWithGoogle(google(subject()).claim("nonce", "abc").build());

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.code()).isEqualTo("invalid_nonce");
    }

    // --- Every check of the provider token, over HTTP ---

    static Stream<Arguments> badTokens() {
        final FakeProvider.SigningKey stranger = FakeProvider.newKey(GOOGLE.currentKey().keyId());
        final long now = Instant.now().getEpochSecond();
        return Stream.of(
                bad("format", b -> "not.a.jwt"),
                bad("algorithm", TestTokens.Builder::buildUnsigned),
                bad("algorithm", b -> b.buildHmac(GOOGLE.currentKey().pair().getPublic().getEncoded())),
                bad("header", b -> b.header("jku", "http://127.0.0.1:1/keys").build()),
                bad("header", b -> b.header("x5u", "http://127.0.0.1:1/cert").build()),
                bad("header", b -> b.header("jwk", Map.of("kty", "RSA", "n", "AQAB", "e", "AQAB")).build()),
                bad("header", b -> b.header("crit", List.of("exp")).build()),
                bad("key", b -> b.header("kid", "unknown-" + UUID.randomUUID()).build()),
                bad("signature", b -> b.signedBy(stranger).build()),
                bad("issuer", b -> b.claim("iss", "https://appleid.apple.com").build()),
                bad("audience", b -> b.claim("aud", "com.someone.else").build()),
                bad("audience", b -> b.claim("aud", List.of(GOOGLE_IOS, "com.someone.else")).build()),
                bad("authorized-party", b -> b.claim("azp", "com.someone.else").build()),
                bad("expiry", b -> b.claim("exp", now - 120).build()),
                bad("not-before", b -> b.claim("nbf", now + 300).build()),
                bad("issued-at", b -> b.claim("iat", now + 300).build()),
                bad("issued-at", b -> b.claim("iat", now - 7200).build()),
                bad("subject", b -> b.claim("sub", "s".repeat(256)).build()),
                bad("claims", b -> b.claim("email_verified", "maybe").build()));
    }

    private static Arguments bad(String check, Function<TestTokens.Builder, String> token) {
        return Arguments.of(check, token);
    }

    @ParameterizedTest(name = "[{index}] fails the {0} check: 401 invalid_id_token, nothing written")
    @MethodSource("badTokens")
    void aBadGoogleTokenIsRefused(String check, Function<TestTokens.Builder, String> token) {
        final Map<String, Long> before = DB.counts();

        final Answer answer = signInWithGoogle(token.apply(google(subject())));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(401);
        assertThat(answer.code()).isEqualTo("invalid_id_token");
        assertThat(answer.json().path("detail").asText()).startsWith(check + ": ");
        assertThat(DB.counts()).isEqualTo(before);
    }

    @Test
    void theRefusalNamesTheAudienceItReceived() {
        final Answer answer = signInWithGoogle(google(subject()).claim("aud", "com.someone.else").build());

        assertThat(answer.json().path("detail").asText()).contains("com.someone.else");
    }

    @Test
    void aGoogleTokenAtTheAppleEndpointIsRefusedAndTheReverse() {
        final Answer googleAtApple = signInWithApple(google(subject()).claim("aud", APPLE_APP).build(), null);
        final Answer appleAtGoogle = signInWithGoogle(apple(subject()).claim("aud", GOOGLE_IOS).build());

        assertThat(googleAtApple.code()).isEqualTo("invalid_id_token");
        assertThat(googleAtApple.json().path("detail").asText()).startsWith("key: ");
        assertThat(appleAtGoogle.code()).isEqualTo("invalid_id_token");
    }

    @Test
    void aMissingTokenIsAnInvalidRequest() {
        final Answer answer = http().post("/api/auth/google", Map.of("device", Map.of("platform", "ios")));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo("invalid_request");
    }

    @Test
    void anUnknownPlatformIsAnInvalidRequest() {
        final Answer answer = http().post("/api/auth/google", Map.of("idToken", google(subject()).build(),
                "device", Map.of("platform", "toaster")));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo("invalid_request");
    }
}
