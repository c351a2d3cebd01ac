package dev.oauthapi.appcheck;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.passkeys.SoftwareAuthenticator;
import dev.oauthapi.testing.FakePlayIntegrity;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.LocalIntegrityTokens;
import dev.oauthapi.testing.MutableClock;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestAppAttest;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import dev.oauthapi.tokens.SigningKeys;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * App attestation enforced, on the whole service with real PostgreSQL and Redis: App Attest with a
 * test root (real keys, signatures and X.509), Play Integrity decoded locally with the app's own
 * keys, and debug tokens give app tokens; every session-starting request, and refresh, needs one
 * unless it is proven to come from a web client; a refusal creates nothing.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AppCheckEnforceTest {
    static final String IOS_APP = "ABCDE12345.com.example.ios";
    static final String ANDROID_APP = "com.example.android";
    static final String FINGERPRINT = "14:6D:E9:83:C5:73:06:50:D8:EE:B9:95:2F:34:FC:64:16:A0:83:42:E6:1D:BE:A8"
            + ":8A:04:96:B2:3F:CF:44:E5";
    static final String DIGEST = Base64.getUrlEncoder().withoutPadding().encodeToString(
            java.util.HexFormat.ofDelimiter(":").parseHex(FINGERPRINT));
    static final String IOS_CLIENT = "1234-ios.apps.googleusercontent.com";
    static final String ANDROID_CLIENT = "1234-android.apps.googleusercontent.com";
    static final String WEB_CLIENT = "1234-web.apps.googleusercontent.com";
    static final String APPLE_CLIENT = "com.example.ios";
    static final String DEBUG_SECRET = "ci-debug-token-0123456789abcdef-0123456789";
    static final String RP_ID = "example.com";
    static final String WEB_ORIGIN = "https://app.example.com";
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final TestAppAttest APPLE_ATTEST = new TestAppAttest();
    static final LocalIntegrityTokens PLAY = new LocalIntegrityTokens();
    static final Map<String, String> ENV = env();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);
    static final TestDatabase DB = new TestDatabase(ENV);

    private static Map<String, String> env() {
        final Map<String, String> env = new HashMap<>(TestEnvironment.withProviders(GOOGLE,
                IOS_CLIENT + "," + ANDROID_CLIENT + "," + WEB_CLIENT, APPLE, APPLE_CLIENT));
        try {
            env.put("APP_ATTEST_ROOT_CA", APPLE_ATTEST.writeRootPem(Files.createTempDirectory("app-attest")).toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        env.put("APP_CHECK_MODE", "enforce");
        env.put("APP_CHECK_IOS_APP_IDS", IOS_APP);
        env.put("APP_CHECK_ANDROID_PACKAGES", ANDROID_APP + "=" + FINGERPRINT);
        env.put("PLAY_INTEGRITY_DECODE", "local");
        env.put("PLAY_INTEGRITY_DECRYPTION_KEY", PLAY.decryptionKeyBase64());
        env.put("PLAY_INTEGRITY_VERIFICATION_KEY", PLAY.verificationKeyBase64());
        env.put("APP_CHECK_DEBUG_TOKENS", "ci=" + DEBUG_SECRET);
        env.put("APP_CHECK_CLIENTS", IOS_CLIENT + "=" + IOS_APP + "," + ANDROID_CLIENT + "=" + ANDROID_APP + ","
                + APPLE_CLIENT + "=" + IOS_APP);
        env.put("GOOGLE_WEB_CLIENT_ID", WEB_CLIENT);
        env.put("GOOGLE_WEB_CLIENT_SECRET", "web-secret");
        env.put("PASSKEY_RP_ID", RP_ID);
        env.put("PASSKEY_ORIGINS", WEB_ORIGIN);
        env.put("APP_CHECK_RATE_LIMIT_PER_MINUTE", "100000");
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

    private static Map<String, String> appCheck(String token) {
        return token == null ? Map.of() : Map.of("X-App-Check", token);
    }

    private static String challenge() {
        final Answer answer = http().post("/api/app-check/challenge", Map.of());
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.json().path("expiresIn").asInt()).isEqualTo(300);
        return answer.json().path("challenge").asText();
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** A new iOS device key, attested: its app token. */
    private static String iosToken(TestAppAttest.Device device) {
        final String challenge = challenge();
        final Answer answer = http().post("/api/app-check/apple/attestation", Map.of("keyId", device.keyIdBase64(),
                "attestation", b64(APPLE_ATTEST.attest(device, IOS_APP, challenge, true)), "challenge", challenge));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.json().path("appToken").asText();
    }

    private static Answer assertion(TestAppAttest.Device device, long counter) {
        final String challenge = challenge();
        return http().post("/api/app-check/apple/assertion", Map.of("keyId", device.keyIdBase64(),
                "assertion", b64(APPLE_ATTEST.assertion(device, IOS_APP, challenge, counter)), "challenge", challenge));
    }

    private static Answer android(Function<String, Map<String, Object>> payloadFor, String packageName) {
        final String challenge = challenge();
        return http().post("/api/app-check/android", Map.of("integrityToken", PLAY.mint(payloadFor.apply(challenge)),
                "challenge", challenge, "packageName", packageName));
    }

    private static Map<String, Object> genuine(String challenge) {
        return FakePlayIntegrity.genuinePayload(ANDROID_APP, DIGEST, challenge, null, System.currentTimeMillis());
    }

    private static String androidToken() {
        final Answer answer = android(AppCheckEnforceTest::genuine, ANDROID_APP);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.json().path("appToken").asText();
    }

    private static String debugToken() {
        final Answer answer = http().post("/api/app-check/debug", Map.of("debugToken", DEBUG_SECRET));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.json().path("appToken").asText();
    }

    private static Answer google(String client, String appToken) {
        return http().post("/api/auth/google", Map.of("idToken", GOOGLE.token(client, "g-" + UUID.randomUUID()).build()),
                null, appCheck(appToken));
    }

    private static Answer refresh(String refreshToken, String appToken) {
        return http().post("/api/auth/refresh", Map.of("refreshToken", refreshToken), null, appCheck(appToken));
    }

    private static void refused(Answer answer) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(401);
        assertThat(answer.code()).as(answer.toString()).isEqualTo("app_check_required");
    }

    private static void refusedAttestation(Answer answer, String step) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(401);
        assertThat(answer.code()).isEqualTo("invalid_attestation");
        assertThat(answer.json().path("detail").asText()).startsWith(step + ":");
    }

    private static Map<String, Long> stored() {
        return Map.of("users", DB.count("users"), "sessions", DB.count("sessions"), "identities", DB.count("identities"),
                "audit", DB.count("audit_log"), "passkeys", DB.count("passkeys"));
    }

    /** An app token signed with the service's own keys, but at {@code at}: expired by now. */
    private static String expiredAppToken() {
        final Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(3)), java.time.ZoneOffset.UTC);
        return new AppTokens(SigningKeys.load(Path.of(ENV.get("JWT_KEYS_DIR")), Duration.ZERO, past),
                TestEnvironment.ISSUER, TestEnvironment.AUDIENCE, Duration.ofHours(1), past)
                .issue("ios", IOS_APP, null).token();
    }

    @Test
    void eachPlatformsProofGivesAnAppTokenThatLetsItsAppSignInAndRefresh() {
        final TestAppAttest.Device device = APPLE_ATTEST.newDevice();
        for (String token : List.of(iosToken(device), debugToken())) {
            final Answer signedIn = google(IOS_CLIENT, token);
            assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
            final Answer refreshed = refresh(signedIn.json().path("tokens").path("refreshToken").asText(), token);
            assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        }
        final Answer android = google(ANDROID_CLIENT, androidToken());
        assertThat(android.status()).as(android.toString()).isEqualTo(200);
        final Answer apple = http().post("/api/auth/apple", Map.of("identityToken",
                APPLE.token(APPLE_CLIENT, "a-" + UUID.randomUUID()).build()), null, appCheck(iosToken(APPLE_ATTEST.newDevice())));
        assertThat(apple.status()).as(apple.toString()).isEqualTo(200);

        final Map<String, Object> key = DB.one("SELECT app_id, environment, counter, receipt IS NOT NULL AS receipt"
                + " FROM app_attest_keys WHERE key_id = ?", device.keyId());
        assertThat(key).containsEntry("app_id", IOS_APP).containsEntry("environment", "production")
                .containsEntry("counter", 0L).containsEntry("receipt", true);
    }

    @Test
    void everySessionStartingRequestIsRefusedWithoutAValidAppTokenOfItsAppAndCreatesNothing() {
        final String accessToken = google(WEB_CLIENT, null).json().path("tokens").path("accessToken").asText();
        final Map<String, String> wrong = new java.util.LinkedHashMap<>();
        wrong.put("missing", null);
        wrong.put("expired", expiredAppToken());
        wrong.put("an access token", accessToken);
        wrong.put("tampered", debugToken() + "x");
        final String androidToken = androidToken();
        final Map<String, Long> before = stored();
        for (Map.Entry<String, String> attempt : wrong.entrySet()) {
            refused(google(IOS_CLIENT, attempt.getValue()));
            refused(http().post("/api/auth/apple", Map.of("identityToken", APPLE.token(APPLE_CLIENT,
                    "a-" + UUID.randomUUID()).build()), null, appCheck(attempt.getValue())));
        }
        refused(google(IOS_CLIENT, androidToken));
        refused(http().post("/api/auth/apple", Map.of("identityToken", APPLE.token(APPLE_CLIENT,
                "a-" + UUID.randomUUID()).build()), null, appCheck(androidToken)));
        assertThat(stored()).as("nothing created").isEqualTo(before);

        // The refused Google token was not spent: the same one signs in once the app attests.
        final String idToken = GOOGLE.token(IOS_CLIENT, "g-" + UUID.randomUUID()).build();
        refused(http().post("/api/auth/google", Map.of("idToken", idToken), null, Map.of()));
        assertThat(http().post("/api/auth/google", Map.of("idToken", idToken), null, appCheck(debugToken())).status())
                .isEqualTo(200);
    }

    @Test
    void aSessionRefreshesOnlyWithAnAppTokenOfItsAppAndIsUntouchedByARefusal() {
        final String token = iosToken(APPLE_ATTEST.newDevice());
        final String refreshToken = google(IOS_CLIENT, token).json().path("tokens").path("refreshToken").asText();
        final Map<String, Object> session = DB.one("SELECT refresh_generation, expires_at FROM sessions"
                + " ORDER BY created_at DESC LIMIT 1");

        refused(refresh(refreshToken, null));
        refused(refresh(refreshToken, expiredAppToken()));
        refused(refresh(refreshToken, androidToken()));
        assertThat(DB.one("SELECT refresh_generation, expires_at FROM sessions ORDER BY created_at DESC LIMIT 1"))
                .as("the session did not move").isEqualTo(session);

        final Answer again = refresh(refreshToken, iosToken(APPLE_ATTEST.newDevice()));
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        // Within the grace, the predecessor answers again: also only with an app token.
        refused(refresh(refreshToken, null));
        assertThat(refresh(refreshToken, debugToken()).status()).isEqualTo(200);
    }

    @Test
    void webClientsNeedNoAppTokenProvenByTheTokensClientNeverByTheRequest() {
        final Answer web = google(WEB_CLIENT, null);
        assertThat(web.status()).as(web.toString()).isEqualTo(200);
        assertThat(google(WEB_CLIENT, androidToken()).status()).as("a stray app token changes nothing").isEqualTo(200);
        final Answer refreshed = refresh(web.json().path("tokens").path("refreshToken").asText(), null);
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        // An Android token names the web client as its audience and the app as its authorized party: an app.
        refused(http().post("/api/auth/google", Map.of("idToken", GOOGLE.token(WEB_CLIENT, "g-" + UUID.randomUUID())
                .claim("azp", ANDROID_CLIENT).build(), "device", Map.of("platform", "web")), null, Map.of()));
    }

    @Test
    void passkeySignInIsGatedUnlessItsVerifiedOriginIsAWebOne() {
        final String accessToken = google(IOS_CLIENT, debugToken()).json().path("tokens").path("accessToken").asText();
        final Answer options = http().post("/api/auth/passkeys/registration/options", Map.of(), accessToken);
        final JsonNode publicKey = options.json().path("publicKey");
        final byte[] userHandle = Base64.getUrlDecoder().decode(publicKey.path("user").path("id").asText());
        final SoftwareAuthenticator authenticator = new SoftwareAuthenticator(RP_ID);
        final var created = authenticator.register(WEB_ORIGIN, Base64.getUrlDecoder().decode(
                publicKey.path("challenge").asText()), userHandle);
        final Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        assertThat(http().post("/api/auth/passkeys/registration", Map.of("credential", Map.of(
                "id", url.encodeToString(created.credentialId()), "rawId", url.encodeToString(created.credentialId()),
                "type", "public-key", "response", Map.of("clientDataJSON", url.encodeToString(created.clientDataJSON()),
                        "attestationObject", url.encodeToString(created.attestationObject())))), accessToken).status())
                .isEqualTo(201);

        final long[] counter = {100};
        final Function<String, Function<String, Answer>> signIn = origin -> appToken -> {
            final byte[] challenge = Base64.getUrlDecoder().decode(http().post(
                    "/api/auth/passkeys/authentication/options", Map.of()).json().path("publicKey").path("challenge").asText());
            final var asserted = authenticator.assertion(origin, challenge, userHandle, ++counter[0]);
            return http().post("/api/auth/passkey", Map.of("credential", Map.of("id", url.encodeToString(
                    asserted.credentialId()), "rawId", url.encodeToString(asserted.credentialId()), "type", "public-key",
                    "response", Map.of("clientDataJSON", url.encodeToString(asserted.clientDataJSON()),
                            "authenticatorData", url.encodeToString(asserted.authenticatorData()),
                            "signature", url.encodeToString(asserted.signature()),
                            "userHandle", url.encodeToString(asserted.userHandle())))), null, appCheck(appToken));
        };
        final Map<String, Long> before = stored();
        refused(signIn.apply("https://" + RP_ID).apply(null)); // what an iOS app sends: an app
        assertThat(stored()).isEqualTo(before);
        assertThat(signIn.apply("https://" + RP_ID).apply(debugToken()).status()).isEqualTo(200);
        final Answer web = signIn.apply(WEB_ORIGIN).apply(null);
        assertThat(web.status()).as(web.toString()).isEqualTo(200);
        assertThat(refresh(web.json().path("tokens").path("refreshToken").asText(), null).status())
                .as("its session's client is the web origin").isEqualTo(200);

        // An app's passkey sign-in names its client: it cannot be a web client (its refreshes would
        // pass as one), and its session refreshes at /oauth/token as that client, attesting.
        final Function<String, Answer> named = client -> {
            final byte[] challenge = Base64.getUrlDecoder().decode(http().post("/api/auth/passkeys/authentication/options",
                    Map.of()).json().path("publicKey").path("challenge").asText());
            final var asserted = authenticator.assertion("https://" + RP_ID, challenge, userHandle, ++counter[0]);
            return http().post("/api/auth/passkey", Map.of("clientId", client, "credential", Map.of(
                    "id", url.encodeToString(asserted.credentialId()), "rawId", url.encodeToString(asserted.credentialId()),
                    "type", "public-key", "response", Map.of("clientDataJSON", url.encodeToString(asserted.clientDataJSON()),
                            "authenticatorData", url.encodeToString(asserted.authenticatorData()),
                            "signature", url.encodeToString(asserted.signature()),
                            "userHandle", url.encodeToString(asserted.userHandle())))), null, appCheck(debugToken()));
        };
        final Answer asWeb = named.apply(WEB_CLIENT);
        assertThat(asWeb.status()).as(asWeb.toString()).isEqualTo(400);
        assertThat(asWeb.code()).isEqualTo("invalid_request");
        final Answer asApp = named.apply(IOS_CLIENT);
        assertThat(asApp.status()).as(asApp.toString()).isEqualTo(200);
        final Map<String, String> oauthRefresh = Map.of("grant_type", "refresh_token", "client_id", IOS_CLIENT,
                "refresh_token", asApp.json().path("tokens").path("refreshToken").asText());
        assertThat(http().postForm("/oauth/token", oauthRefresh, Map.of()).json().path("code").asText())
                .isEqualTo("app_check_required");
        assertThat(http().postForm("/oauth/token", Map.of("grant_type", "refresh_token", "client_id", WEB_CLIENT,
                "refresh_token", oauthRefresh.get("refresh_token")), Map.of()).json().path("error").asText())
                .as("another client").isEqualTo("invalid_grant");
        assertThat(http().postForm("/oauth/token", oauthRefresh, Map.of("X-App-Check", debugToken())).status())
                .isEqualTo(200);
    }

    @Test
    void appAttestRefusesEachStepAndAnAdminRevokesAKey() {
        final TestAppAttest.Device device = APPLE_ATTEST.newDevice();
        final String challenge = challenge();
        final Map<String, Object> attestation = Map.of("keyId", device.keyIdBase64(), "attestation",
                b64(APPLE_ATTEST.attest(device, IOS_APP, challenge, true)), "challenge", challenge);
        refusedAttestation(http().post("/api/app-check/apple/attestation", Map.of("keyId", device.keyIdBase64(),
                "attestation", b64(new TestAppAttest().attest(device, IOS_APP, challenge, true)), "challenge",
                challenge)), "certificateChain");
        refusedAttestation(http().post("/api/app-check/apple/attestation", Map.of("keyId", device.keyIdBase64(),
                "attestation", b64(APPLE_ATTEST.attest(device, "ABCDE12345.com.example.other", challenge, true)),
                "challenge", challenge)), "appId");
        refusedAttestation(http().post("/api/app-check/apple/attestation", Map.of("keyId", device.keyIdBase64(),
                "attestation", b64(APPLE_ATTEST.attest(device, IOS_APP, challenge, false)), "challenge", challenge)),
                "environment");
        refusedAttestation(http().post("/api/app-check/apple/attestation", Map.of("keyId", device.keyIdBase64(),
                "attestation", b64(APPLE_ATTEST.attest(device, IOS_APP, challenge(), true)), "challenge", challenge)),
                "nonce");
        refusedAttestation(http().post("/api/app-check/apple/attestation", Map.of("keyId", device.keyIdBase64(),
                "attestation", b64(APPLE_ATTEST.attest(device, IOS_APP, "not ours", true)), "challenge", "not ours"
                        + "-but-long-enough-to-pass-validation-of-its-length")), "challenge");
        assertThat(DB.count("app_attest_keys WHERE key_id = '\\x" + java.util.HexFormat.of().formatHex(device.keyId())
                + "'")).isZero();

        assertThat(http().post("/api/app-check/apple/attestation", attestation).status()).isEqualTo(200);
        refusedAttestation(http().post("/api/app-check/apple/attestation", attestation), "challenge");
        assertThat(assertion(device, 1).status()).isEqualTo(200);
        refusedAttestation(assertion(device, 1), "counter");
        refusedAttestation(assertion(APPLE_ATTEST.newDevice(), 1), "keyId");

        final Answer signedIn = google(IOS_CLIENT, debugToken());
        final String admin = signedIn.json().path("user").path("id").asText();
        DB.execute("UPDATE users SET role = 'admin' WHERE id = CAST(? AS uuid)", admin);
        // A refresh reads the role again.
        final String adminToken = refresh(signedIn.json().path("tokens").path("refreshToken").asText(), debugToken())
                .json().path("accessToken").asText();
        final String keyPath = "/api/admin/app-attest-keys/" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(device.keyId());
        assertThat(http().delete(keyPath, adminToken).status()).isEqualTo(204);
        refusedAttestation(assertion(device, 2), "keyId");
        assertThat(http().delete(keyPath, adminToken).status()).as("revoked already").isEqualTo(404);
        assertThat(http().delete("/api/admin/app-attest-keys/nonsense", adminToken).status()).isEqualTo(404);
        assertThat(DB.one("SELECT count(*) AS n FROM audit_log WHERE event = 'app_attest_key_revoked'"
                + " AND actor_id = CAST(? AS uuid)", admin).get("n")).isEqualTo(1L);
    }

    @Test
    void playIntegrityRefusesEachFailingVerdictByName() {
        final Map<String, Function<Map<String, Object>, Map<String, Object>>> defects = new java.util.LinkedHashMap<>();
        defects.put("requestPackageName", payload -> with(payload, "requestDetails", "requestPackageName", "com.evil"));
        defects.put("appPackageName", payload -> with(payload, "appIntegrity", "packageName", "com.evil"));
        defects.put("challenge", payload -> with(payload, "requestDetails", "nonce", "another-challenge"));
        defects.put("timestamp", payload -> with(payload, "requestDetails", "timestampMillis",
                String.valueOf(System.currentTimeMillis() - Duration.ofHours(2).toMillis())));
        defects.put("appRecognition", payload -> with(payload, "appIntegrity", "appRecognitionVerdict", "UNRECOGNIZED_VERSION"));
        defects.put("certificate", payload -> with(payload, "appIntegrity", "certificateSha256Digest", List.of("AAAA")));
        defects.put("deviceIntegrity", payload -> with(payload, "deviceIntegrity", "deviceRecognitionVerdict",
                List.of("MEETS_BASIC_INTEGRITY")));
        for (var defect : defects.entrySet()) {
            refusedAttestation(android(challenge -> defect.getValue().apply(genuine(challenge)), ANDROID_APP),
                    defect.getKey());
        }
        refusedAttestation(android(AppCheckEnforceTest::genuine, "com.example.unknown"), "packageName");
        final String challenge = challenge();
        refusedAttestation(http().post("/api/app-check/android", Map.of("integrityToken",
                new LocalIntegrityTokens().mint(genuine(challenge)), "challenge", challenge, "packageName", ANDROID_APP)),
                "decryption");
        refusedAttestation(http().post("/api/app-check/debug", Map.of("debugToken", "not-the-debug-token")),
                "debugToken");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> with(Map<String, Object> payload, String part, String member, Object value) {
        ((Map<String, Object>) payload.get(part)).put(member, value);
        return payload;
    }

    @Test
    void theTokenEndpointJoinsTheGate() {
        final Map<String, String> exchange = Map.of("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
                "subject_token_type", "urn:ietf:params:oauth:token-type:id_token", "client_id", IOS_CLIENT,
                "subject_token", GOOGLE.token(IOS_CLIENT, "o-" + UUID.randomUUID()).build());
        final Map<String, Long> before = stored();
        final Answer refused = http().postForm("/oauth/token", exchange, Map.of());
        assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
        assertThat(refused.json().path("error").asText()).isEqualTo("invalid_client");
        assertThat(refused.json().path("code").asText()).isEqualTo("app_check_required");
        assertThat(stored()).as("nothing created").isEqualTo(before);

        final Answer exchanged = http().postForm("/oauth/token", exchange,
                Map.of("X-App-Check", iosToken(APPLE_ATTEST.newDevice())));
        assertThat(exchanged.status()).as(exchanged.toString()).isEqualTo(200);
        final Map<String, String> refresh = Map.of("grant_type", "refresh_token", "client_id", IOS_CLIENT,
                "refresh_token", exchanged.json().path("refresh_token").asText());
        assertThat(http().postForm("/oauth/token", refresh, Map.of()).json().path("code").asText())
                .isEqualTo("app_check_required");
        assertThat(http().postForm("/oauth/token", refresh, Map.of("X-App-Check", debugToken())).status())
                .isEqualTo(200);
    }

    /** Guest sign-up and the merge both start sessions: both pass the gate, and a guest is never web. */
    @Test
    void guestSignUpAndTheMergeAreGated() {
        final Map<String, Long> before = stored();
        refused(http().post("/api/auth/anonymous", Map.of(), null, Map.of()));
        refused(http().post("/api/auth/anonymous", Map.of(), null, appCheck(expiredAppToken())));
        assertThat(stored()).as("nothing created").isEqualTo(before);
        final Answer guest = http().post("/api/auth/anonymous", Map.of(), null, appCheck(iosToken(APPLE_ATTEST.newDevice())));
        assertThat(guest.status()).as(guest.toString()).isEqualTo(200);
        final String guestAccess = guest.json().path("tokens").path("accessToken").asText();
        refused(refresh(guest.json().path("tokens").path("refreshToken").asText(), null));

        final String subject = "g-" + UUID.randomUUID();
        assertThat(http().post("/api/auth/google", Map.of("idToken", GOOGLE.token(IOS_CLIENT, subject).build()), null,
                appCheck(debugToken())).status()).isEqualTo(200);
        final Answer conflict = http().post("/api/auth/link/google", Map.of("idToken", GOOGLE.token(IOS_CLIENT, subject)
                .claim("jti", UUID.randomUUID().toString()).build()), guestAccess);
        assertThat(conflict.status()).as(conflict.toString()).isEqualTo(409);
        final Map<String, Object> merge = Map.of("mergeToken", conflict.json().path("mergeToken").asText());
        refused(http().post("/api/auth/merge", merge, guestAccess, Map.of()));
        final Answer merged = http().post("/api/auth/merge", merge, guestAccess, appCheck(debugToken()));
        assertThat(merged.status()).as("the refusal did not spend the token: " + merged).isEqualTo(200);
    }
}
