package dev.oauthapi.signin;

import dev.oauthapi.OAuthApiApplication;
import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeAppleTokenEndpoint;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.MutableClock;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import dev.oauthapi.testing.TestTokens;
import dev.oauthapi.tokens.ProviderTokenCipher;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpRequest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The provider account lifecycle end to end: Apple code exchange against a fake Apple that checks
 * our client secrets, Apple tokens encrypted at rest, revocation through the outbox on account
 * deletion and unlinking (surviving failures and a restart), Apple notifications and Google RISC
 * events from fake signers.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ProviderLifecycleTest {
    static final String APP_ID = "com.example.app";
    static final String GOOGLE_CLIENT = "1234-ios.apps.googleusercontent.com";
    static final String ENCRYPTION_KEY = "k1:" + Base64.getEncoder().encodeToString(new byte[32]);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider GOOGLE_RISC = FakeProvider.start(Provider.GOOGLE);
    static final FakeAppleTokenEndpoint APPLE_TOKENS = FakeAppleTokenEndpoint.start();
    static final MutableClock CLOCK = MutableClock.startingNow();
    static final Map<String, String> ENV = environment();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP =
            TestApp.extension(ENV, environment -> new OAuthApiApplication(environment, CLOCK));
    static final TestDatabase DB = new TestDatabase(ENV);

    private static Map<String, String> environment() {
        final Map<String, String> env = TestEnvironment.withProviders(GOOGLE, GOOGLE_CLIENT, APPLE, APP_ID);
        env.putAll(APPLE_TOKENS.environment(ENCRYPTION_KEY));
        env.put("GOOGLE_RISC_JWKS_URL", GOOGLE_RISC.jwksUrl().toString());
        return env;
    }

    @AfterAll
    static void stop() {
        APPLE.close();
        GOOGLE.close();
        GOOGLE_RISC.close();
        APPLE_TOKENS.close();
    }

    private static TestHttp http() {
        return new TestHttp(APP.getLocalPort());
    }

    private static Answer appleSignIn(String subject, String code) {
        final Map<String, Object> body = new java.util.HashMap<>();
        body.put("identityToken", APPLE.token(APP_ID, subject).at(CLOCK.instant()).claim("jti", UUID.randomUUID().toString()).build());
        if (code != null) {
            body.put("authorizationCode", code);
        }
        final Answer answer = http().post("/api/auth/apple", body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer;
    }

    private static String subject() {
        return "001." + UUID.randomUUID() + ".0001";
    }

    private static String access(Answer signIn) {
        return signIn.json().path("tokens").path("accessToken").asText();
    }

    private static Map<String, Object> identity(String provider, String subject) {
        return DB.one("SELECT * FROM identities WHERE provider = ? AND subject = ?", provider, subject);
    }

    private static void runRevocations() {
        final Answer answer = new TestHttp(APP.getAdminPort()).send(
                new TestHttp(APP.getAdminPort()).request("/tasks/provider-revocations", null)
                        .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    }

    // --- Code exchange ---

    @Test
    void anAuthorizationCodeIsExchangedAndAppleTokenStoredEncrypted() {
        final String subject = subject();

        appleSignIn(subject, APPLE_TOKENS.codeFor(subject));

        final Map<String, Object> row = identity("apple", subject);
        assertThat(row).containsEntry("token_exchange_status", "ok").containsEntry("provider_token_key_id", "k1")
                .containsEntry("client_id", APP_ID);
        final byte[] sealed = (byte[]) row.get("provider_token_sealed");
        assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("apple-refresh");
        assertThat(ProviderTokenCipher.parse(ENCRYPTION_KEY, new SecureRandom()).open(new ProviderTokenCipher.Sealed(sealed, "k1")))
                .isEqualTo("apple-refresh-" + subject);
        assertThat(APPLE_TOKENS.rejections()).isEmpty();
    }

    @Test
    void aFailedExchangeStillSignsInAndIsRecordedOnTheIdentity() {
        final String subject = subject();

        appleSignIn(subject, "a-code-apple-never-issued");

        assertThat(identity("apple", subject)).containsEntry("token_exchange_status", "failed")
                .containsEntry("provider_token_sealed", null);
        assertThat((String) identity("apple", subject).get("token_exchange_error")).contains("invalid_grant");
    }

    @Test
    void anOversizedOrEndlessAnswerFromAppleFailsTheExchangeNotTheSignIn() {
        final String huge = subject();
        final String endless = subject();

        appleSignIn(huge, APPLE_TOKENS.codeAnswered(new FakeAppleTokenEndpoint.Misbehaviour.Raw(200,
                ("{\"refresh_token\": \"" + "x".repeat(1 << 20) + "\"}").getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        final long started = System.nanoTime();
        appleSignIn(endless, APPLE_TOKENS.codeAnswered(new FakeAppleTokenEndpoint.Misbehaviour.Trickle()));
        final Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(identity("apple", huge)).containsEntry("token_exchange_status", "failed");
        assertThat((String) identity("apple", huge).get("token_exchange_error")).contains("larger than");
        assertThat(identity("apple", endless)).containsEntry("token_exchange_status", "failed");
        assertThat((String) identity("apple", endless).get("token_exchange_error")).contains("no complete answer");
        // The exchange's deadline is 5 s for the whole answer; the trickle would last a minute.
        assertThat(took).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void anAppleErrorThatCannotBeStoredAsItIsStillSignsIn() {
        final String subject = subject();
        final byte[] withNul = "{\"error\": \"invalid_grant\u0000\u0000\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        appleSignIn(subject, APPLE_TOKENS.codeAnswered(new FakeAppleTokenEndpoint.Misbehaviour.Raw(400, withNul)));

        assertThat(identity("apple", subject)).containsEntry("token_exchange_status", "failed");
        assertThat((String) identity("apple", subject).get("token_exchange_error")).contains("invalid_grant");
    }

    @Test
    void anExchangeForAnotherSubjectIsRefused() {
        final String subject = subject();

        appleSignIn(subject, APPLE_TOKENS.codeFor(subject()));

        assertThat(identity("apple", subject)).containsEntry("token_exchange_status", "failed")
                .containsEntry("provider_token_sealed", null);
    }

    // --- Revocation through the outbox ---

    @Test
    void deletingTheAccountRevokesTheAppleTokenRetryingThroughFailures() {
        final String subject = subject();
        final Answer signIn = appleSignIn(subject, APPLE_TOKENS.codeFor(subject));
        final String userId = signIn.json().path("user").path("id").asText();
        APPLE_TOKENS.failNextRevocations(2);

        assertThat(http().delete("/api/profile", access(signIn)).status()).isEqualTo(204);
        final Map<String, Object> queued = DB.one("SELECT * FROM provider_revocations WHERE user_id = ?::uuid", userId);
        assertThat(queued.get("completed_at")).isNull();

        runRevocations();
        CLOCK.advance(Duration.ofSeconds(31));
        runRevocations();
        CLOCK.advance(Duration.ofSeconds(61));
        runRevocations();

        final Map<String, Object> done = DB.one("SELECT * FROM provider_revocations WHERE user_id = ?::uuid", userId);
        assertThat(done.get("completed_at")).isNotNull();
        assertThat((byte[]) done.get("token_sealed")).as("no ciphertext kept once revoked").isEmpty();
        assertThat(done.get("attempts")).isEqualTo(3);
        assertThat(APPLE_TOKENS.revokedTokens()).contains("apple-refresh-" + subject);
        assertThat(DB.rows("SELECT event FROM audit_log WHERE user_id = ?::uuid AND event LIKE 'provider_token_%' ORDER BY id",
                userId)).extracting(row -> row.get("event"))
                .containsExactly("provider_token_revoke_failed", "provider_token_revoke_failed", "provider_token_revoked");
    }

    @Test
    void anAdminDeletingTheAccountRevokesTheAppleTokenAsTheUsersOwnDeletionDoes() {
        final String subject = subject();
        final String userId = appleSignIn(subject, APPLE_TOKENS.codeFor(subject)).json().path("user").path("id").asText();
        final Answer admin = appleSignIn(subject(), null);
        assertThat(TestApp.run(ENV, "users", "promote", "--id", admin.json().path("user").path("id").asText(),
                "--role", "admin", TestApp.CONFIG).succeeded()).isTrue();

        assertThat(http().delete("/api/admin/users/" + userId, access(admin)).status()).isEqualTo(204);
        assertThat(DB.one("SELECT completed_at FROM provider_revocations WHERE user_id = ?::uuid", userId))
                .containsEntry("completed_at", null);
        runRevocations();

        assertThat(DB.one("SELECT completed_at FROM provider_revocations WHERE user_id = ?::uuid", userId)
                .get("completed_at")).isNotNull();
        assertThat(APPLE_TOKENS.revokedTokens()).contains("apple-refresh-" + subject);
    }

    @Test
    void theOutboxSurvivesARestart() throws Exception {
        final String subject = subject();
        final Answer signIn = appleSignIn(subject, APPLE_TOKENS.codeFor(subject));
        final String userId = signIn.json().path("user").path("id").asText();
        APPLE_TOKENS.failNextRevocations(1);
        http().delete("/api/profile", access(signIn));
        runRevocations(); // fails once

        APP.getTestSupport().after();
        APP.getTestSupport().before();
        CLOCK.advance(Duration.ofMinutes(1));
        runRevocations();

        assertThat(DB.one("SELECT completed_at FROM provider_revocations WHERE user_id = ?::uuid", userId).get("completed_at"))
                .isNotNull();
        assertThat(APPLE_TOKENS.revokedTokens()).contains("apple-refresh-" + subject);
    }

    @Test
    void unlinkingTheAppleIdentityRevokesItsToken() {
        final String google = UUID.randomUUID().toString();
        final Answer signIn = http().post("/api/auth/google", Map.of("idToken",
                GOOGLE.token(GOOGLE_CLIENT, google).at(CLOCK.instant()).build()));
        final String subject = subject();
        final Answer linked = http().post("/api/auth/link/apple", Map.of("identityToken",
                APPLE.token(APP_ID, subject).at(CLOCK.instant()).build(), "authorizationCode", APPLE_TOKENS.codeFor(subject)),
                access(signIn));
        assertThat(linked.status()).as(linked.toString()).isEqualTo(200);
        assertThat(identity("apple", subject)).containsEntry("token_exchange_status", "ok");

        assertThat(http().delete("/api/profile/identities/apple", access(signIn)).status()).isEqualTo(200);
        runRevocations();

        assertThat(APPLE_TOKENS.revokedTokens()).contains("apple-refresh-" + subject);
    }

    // --- Apple server-to-server notifications ---

    private static Answer notify(String type, String subject, TestTokens.Builder token) {
        final String events = "{\"type\":\"" + type + "\",\"sub\":\"" + subject + "\",\"event_time\":"
                + CLOCK.millis() + "}";
        return http().post("/api/auth/apple/notifications", Map.of("payload",
                token.claim("sub", null).claim("events", events).claim("jti", UUID.randomUUID().toString()).build()));
    }

    private static TestTokens.Builder appleEvent() {
        return APPLE.token(APP_ID, "unused").at(CLOCK.instant());
    }

    @Test
    void consentRevokedEndsEverySessionOfThatAppleIdentity() {
        final String subject = subject();
        final Answer session = appleSignIn(subject, null);

        final Answer answer = notify("consent-revoked", subject, appleEvent());

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(http().get("/api/users/me", access(session)).status()).isEqualTo(401);
    }

    @Test
    void emailDisabledAndEnabledSetTheRelayFlag() {
        final String subject = subject();
        appleSignIn(subject, null);

        notify("email-disabled", subject, appleEvent());
        assertThat(identity("apple", subject)).containsEntry("email_relay_disabled", true);
        notify("email-enabled", subject, appleEvent());
        assertThat(identity("apple", subject)).containsEntry("email_relay_disabled", false);
    }

    @Test
    void accountDeleteRemovesTheIdentityAndTheUserWithItsLastOne() {
        final String subject = subject();
        final Answer session = appleSignIn(subject, null);
        final String userId = session.json().path("user").path("id").asText();

        assertThat(notify("account-delete", subject, appleEvent()).status()).isEqualTo(200);

        assertThat(DB.rows("SELECT 1 FROM identities WHERE subject = ?", subject)).isEmpty();
        assertThat(DB.rows("SELECT 1 FROM users WHERE id = ?::uuid", userId)).isEmpty();
        assertThat(http().get("/api/users/me", access(session)).status()).isEqualTo(401);
    }

    @Test
    void aRedeliveredNotificationChangesNothingMore() {
        final String subject = subject();
        appleSignIn(subject, null);
        final String payload = appleEvent().claim("sub", null).claim("jti", "once-" + UUID.randomUUID())
                .claim("events", "{\"type\":\"email-disabled\",\"sub\":\"" + subject + "\"}").build();

        assertThat(http().post("/api/auth/apple/notifications", Map.of("payload", payload)).status()).isEqualTo(200);
        DB.execute("UPDATE identities SET email_relay_disabled = false WHERE subject = ?", subject);
        assertThat(http().post("/api/auth/apple/notifications", Map.of("payload", payload)).status()).isEqualTo(200);

        assertThat(identity("apple", subject)).containsEntry("email_relay_disabled", false);
    }

    @Test
    void aForgedOrMisaddressedNotificationIsRefusedWithNoSideEffect() {
        final String subject = subject();
        final Answer session = appleSignIn(subject, null);
        final Map<String, Long> before = DB.counts();

        final Answer forged = notify("account-delete", subject, appleEvent().signedBy(FakeProvider.newKey(APPLE.currentKey().keyId())));
        final Answer elsewhere = notify("account-delete", subject, APPLE.token("com.someone.else", "x").at(CLOCK.instant()));

        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.code()).isEqualTo("invalid_id_token");
        assertThat(elsewhere.status()).isEqualTo(401);
        assertThat(DB.counts()).isEqualTo(before);
        assertThat(http().get("/api/users/me", access(session)).status()).isEqualTo(200);
    }

    @Test
    void forgedEventsWithUnknownKeyIdsDoNotSpendTheKeyFetchesOfSignIn() {
        CLOCK.advance(Duration.ofSeconds(31)); // every key cache may fetch again
        final Answer forged = notify("account-delete", subject(), appleEvent().signedBy(FakeProvider.newKey("forged-" + UUID.randomUUID())));
        assertThat(forged.status()).isEqualTo(401);

        APPLE.rotate(); // Apple signs with a key no cache has seen yet: sign-in must fetch it now
        appleSignIn(subject(), null);

        CLOCK.advance(Duration.ofSeconds(31)); // and the events' cache may fetch it for later tests
    }

    // --- Google Cross-Account Protection (RISC) ---

    private static Answer risc(String eventType, String subject) {
        final String token = GOOGLE_RISC.token(GOOGLE_CLIENT, "unused").at(CLOCK.instant())
                .claim("iss", "https://accounts.google.com/").claim("sub", null).claim("exp", null)
                .claim("jti", UUID.randomUUID().toString())
                .claim("events", Map.of("https://schemas.openid.net/secevent/risc/event-type/" + eventType,
                        Map.of("subject", Map.of("subject_type", "iss-sub", "iss", "https://accounts.google.com/",
                                "sub", subject))))
                .build();
        return http().send(http().request("/api/auth/google/risc", null)
                .header("Content-Type", "application/secevent+jwt")
                .POST(HttpRequest.BodyPublishers.ofString(token)));
    }

    private static Answer googleSignIn(String subject) {
        return http().post("/api/auth/google", Map.of("idToken",
                GOOGLE.token(GOOGLE_CLIENT, subject).at(CLOCK.instant()).claim("jti", UUID.randomUUID().toString()).build()));
    }

    @Test
    void sessionsRevokedEndsTheSessionsOfThatGoogleIdentity() {
        final String subject = UUID.randomUUID().toString();
        final Answer session = googleSignIn(subject);

        final Answer answer = risc("sessions-revoked", subject);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
        assertThat(http().get("/api/users/me", access(session)).status()).isEqualTo(401);
        assertThat(googleSignIn(subject).status()).as("a new sign-in is fine").isEqualTo(200);
    }

    @Test
    void accountDisabledStopsSignInThroughItUntilEnabled() {
        final String subject = UUID.randomUUID().toString();
        final Answer session = googleSignIn(subject);

        assertThat(risc("account-disabled", subject).status()).isEqualTo(202);

        assertThat(http().get("/api/users/me", access(session)).status()).isEqualTo(401);
        assertThat(googleSignIn(subject).code()).isEqualTo("account_disabled");
        assertThat(risc("account-enabled", subject).status()).isEqualTo(202);
        assertThat(googleSignIn(subject).status()).isEqualTo(200);
    }

    @Test
    void tokensRevokedUnderTheOauthEventPrefixEndsTheSessionsToo() {
        final String subject = UUID.randomUUID().toString();
        final Answer session = googleSignIn(subject);
        final String token = GOOGLE_RISC.token(GOOGLE_CLIENT, "unused").at(CLOCK.instant())
                .claim("iss", "https://accounts.google.com/").claim("sub", null).claim("exp", null)
                .claim("jti", UUID.randomUUID().toString())
                .claim("events", Map.of("https://schemas.openid.net/secevent/oauth/event-type/tokens-revoked",
                        Map.of("subject", Map.of("subject_type", "iss-sub", "iss", "https://accounts.google.com/",
                                "sub", subject))))
                .build();

        final Answer answer = http().send(http().request("/api/auth/google/risc", null)
                .header("Content-Type", "application/secevent+jwt").POST(HttpRequest.BodyPublishers.ofString(token)));

        assertThat(answer.status()).isEqualTo(202);
        assertThat(http().get("/api/users/me", access(session)).status()).isEqualTo(401);
    }

    @Test
    void accountPurgedRemovesTheIdentity() {
        final String subject = UUID.randomUUID().toString();
        googleSignIn(subject);

        assertThat(risc("account-purged", subject).status()).isEqualTo(202);

        assertThat(DB.rows("SELECT 1 FROM identities WHERE provider = 'google' AND subject = ?", subject)).isEmpty();
    }

    @Test
    void anEventSignedWithTheSignInKeysIsNotARiscEvent() {
        final String subject = UUID.randomUUID().toString();
        final Answer session = googleSignIn(subject);
        final String token = GOOGLE.token(GOOGLE_CLIENT, "unused").at(CLOCK.instant())
                .claim("iss", "https://accounts.google.com/").claim("jti", UUID.randomUUID().toString())
                .claim("events", Map.of("https://schemas.openid.net/secevent/risc/event-type/sessions-revoked",
                        Map.of("subject", Map.of("subject_type", "iss-sub", "sub", subject)))).build();

        final Answer answer = http().send(http().request("/api/auth/google/risc", null)
                .header("Content-Type", "application/secevent+jwt").POST(HttpRequest.BodyPublishers.ofString(token)));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(http().get("/api/users/me", access(session)).status()).isEqualTo(200);
    }

}
