package dev.oauthapi.passkeys;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Passkeys on the whole service, real PostgreSQL and Redis: options, registration, sign-in, the
 * list, renaming, deleting, the last-way-to-sign-in rules and the association files, with a
 * software authenticator's real keys.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class PasskeyEndpointsTest {
    static final String GOOGLE_CLIENT = "1234-ios.apps.googleusercontent.com";
    static final String RP_ID = "example.com";
    static final String WEB = "https://app.example.com";
    static final String ANDROID_FINGERPRINT = "14:6D:E9:83:C5:73:06:50:D8:EE:B9:95:2F:34:FC:64:16:A0:83:42:E6:1D:BE:A8"
            + ":8A:04:96:B2:3F:CF:44:E5";
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final Map<String, String> ENV = env();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);
    static final TestDatabase DB = new TestDatabase(ENV);

    private static Map<String, String> env() {
        final Map<String, String> env = new HashMap<>(TestEnvironment.withProviders(GOOGLE, GOOGLE_CLIENT, APPLE,
                "com.example.app"));
        env.put("PASSKEY_RP_ID", RP_ID);
        env.put("PASSKEY_RP_NAME", "Example");
        env.put("PASSKEY_ORIGINS", WEB);
        env.put("PASSKEY_IOS_APP_IDS", "ABCDE12345.com.example.app");
        env.put("PASSKEY_ANDROID_APPS", "com.example.app=" + ANDROID_FINGERPRINT);
        return env;
    }

    @AfterAll
    static void stopProviders() {
        GOOGLE.close();
        APPLE.close();
    }

    private static TestHttp http() {
        return new TestHttp(APP.getLocalPort());
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] unb64(String text) {
        return Base64.getUrlDecoder().decode(text);
    }

    /** A new Google user: its access token. */
    private static String signedIn() {
        final Answer answer = http().post("/api/auth/google",
                Map.of("idToken", GOOGLE.token(GOOGLE_CLIENT, UUID.randomUUID().toString()).build()));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.json().path("tokens").path("accessToken").asText();
    }

    /** A user with a passkey: the authenticator, the user's handle and the answer to the registration. */
    private record Registered(SoftwareAuthenticator authenticator, byte[] userHandle, String accessToken, Answer answer) {
    }

    private static Registered register(String accessToken, String origin) {
        final Answer options = http().post("/api/auth/passkeys/registration/options", Map.of(), accessToken);
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        final JsonNode publicKey = options.json().path("publicKey");
        final byte[] userHandle = unb64(publicKey.path("user").path("id").asText());
        final SoftwareAuthenticator authenticator = new SoftwareAuthenticator(RP_ID);
        final var created = authenticator.register(origin, unb64(publicKey.path("challenge").asText()), userHandle);
        final Answer answer = http().post("/api/auth/passkeys/registration", Map.of("name", "My phone",
                "credential", registration(created, Base64.getUrlEncoder().withoutPadding())), accessToken);
        return new Registered(authenticator, userHandle, accessToken, answer);
    }

    private static Map<String, Object> registration(SoftwareAuthenticator.Created created, Base64.Encoder encoder) {
        return Map.of("id", b64(created.credentialId()), "rawId", encoder.encodeToString(created.credentialId()),
                "type", "public-key", "response", Map.of("clientDataJSON", encoder.encodeToString(created.clientDataJSON()),
                        "attestationObject", encoder.encodeToString(created.attestationObject()),
                        "transports", List.of("internal", "hybrid")));
    }

    private static Answer signIn(Registered registered, String origin, long counter, Map<String, Object> extra) {
        final Answer options = http().post("/api/auth/passkeys/authentication/options", Map.of());
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        final byte[] challenge = unb64(options.json().path("publicKey").path("challenge").asText());
        final var assertion = registered.authenticator().assertion(origin, challenge, registered.userHandle(), counter);
        final Map<String, Object> body = new HashMap<>(extra);
        body.put("credential", Map.of("id", b64(assertion.credentialId()), "rawId", b64(assertion.credentialId()),
                "type", "public-key", "response", Map.of("clientDataJSON", b64(assertion.clientDataJSON()),
                        "authenticatorData", b64(assertion.authenticatorData()),
                        "signature", b64(assertion.signature()), "userHandle", b64(assertion.userHandle()))));
        return http().post("/api/auth/passkey", body);
    }

    @Test
    void registrationOptionsNameTheRelyingPartyARandomUserHandleAndTheAcceptedKeys() {
        final String token = signedIn();
        final Answer options = http().post("/api/auth/passkeys/registration/options", Map.of("name", "ada"), token);

        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        final JsonNode publicKey = options.json().path("publicKey");
        assertThat(publicKey.path("rp").path("id").asText()).isEqualTo(RP_ID);
        assertThat(publicKey.path("rp").path("name").asText()).isEqualTo("Example");
        assertThat(publicKey.path("user").path("name").asText()).isEqualTo("ada");
        assertThat(unb64(publicKey.path("user").path("id").asText())).hasSize(32);
        assertThat(publicKey.path("pubKeyCredParams").findValuesAsText("alg")).containsExactly("-7", "-8", "-257");
        assertThat(publicKey.path("authenticatorSelection").path("residentKey").asText()).isEqualTo("required");
        assertThat(publicKey.path("authenticatorSelection").path("userVerification").asText()).isEqualTo("required");
        assertThat(publicKey.path("attestation").asText()).isEqualTo("none");
        assertThat(publicKey.path("excludeCredentials")).isEmpty();
        final Answer again = http().post("/api/auth/passkeys/registration/options", Map.of(), token);
        assertThat(again.json().path("publicKey").path("user").path("id").asText())
                .as("one handle per user, kept").isEqualTo(publicKey.path("user").path("id").asText());
        assertThat(http().post("/api/auth/passkeys/registration/options", Map.of(), null).status()).isEqualTo(401);
    }

    @Test
    void aRegisteredPasskeySignsInAsAnOrdinarySignInAndIsListedRenamedAndDeleted() {
        final Registered registered = register(signedIn(), WEB);
        assertThat(registered.answer().status()).as(registered.answer().toString()).isEqualTo(201);
        assertThat(registered.answer().json().path("name").asText()).isEqualTo("My phone");
        assertThat(registered.answer().json().path("backedUp").asBoolean()).isFalse();
        final String passkeyId = registered.answer().json().path("id").asText();

        final Answer signIn = signIn(registered, WEB, 2, Map.of());
        assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
        assertThat(signIn.json().path("isNewUser").asBoolean()).isFalse();
        final String passkeyToken = signIn.json().path("tokens").path("accessToken").asText();
        final Answer sessions = http().get("/api/auth/sessions", passkeyToken);
        assertThat(sessions.json().path("sessions").findValuesAsText("provider")).contains("passkey");
        assertThat(DB.one("SELECT client_id FROM sessions WHERE provider = 'passkey' AND passkey_id = CAST(? AS uuid)",
                passkeyId).get("client_id")).as("no clientId given: the verified origin").isEqualTo(WEB);

        final Answer list = http().get("/api/profile/passkeys", registered.accessToken());
        assertThat(list.json().path("passkeys")).hasSize(1);
        assertThat(list.json().path("passkeys").get(0).path("lastUsedAt").isNull()).isFalse();
        final Answer renamed = http().patch("/api/profile/passkeys/" + passkeyId, Map.of("name", "Laptop"),
                registered.accessToken());
        assertThat(renamed.json().path("name").asText()).as(renamed.toString()).isEqualTo("Laptop");
        assertThat(http().patch("/api/profile/passkeys/" + passkeyId, Map.of("name", "Mine"), signedIn()).code())
                .as("another user's passkey").isEqualTo("not_found");

        final Answer deleted = http().delete("/api/profile/passkeys/" + passkeyId, registered.accessToken());
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        assertThat(http().get("/api/users/me", passkeyToken).status()).as("its session ended").isEqualTo(401);
        assertThat(http().get("/api/users/me", registered.accessToken()).status()).isEqualTo(200);
        assertThat(DB.one("SELECT string_agg(event, ',' ORDER BY id) AS events FROM audit_log"
                + " WHERE details->>'passkeyId' = ?", passkeyId).get("events"))
                .isEqualTo("passkey_registered,sign_in,passkey_deleted");
    }

    @Test
    void aChallengeWorksOnceAndAClientIdMustBeKnown() {
        final Registered registered = register(signedIn(), WEB);
        final Answer options = http().post("/api/auth/passkeys/authentication/options", Map.of());
        final byte[] challenge = unb64(options.json().path("publicKey").path("challenge").asText());
        final var assertion = registered.authenticator().assertion(WEB, challenge, registered.userHandle(), 5);
        final Map<String, Object> body = Map.of("clientId", GOOGLE_CLIENT, "credential", Map.of(
                "rawId", b64(assertion.credentialId()), "response", Map.of(
                        "clientDataJSON", b64(assertion.clientDataJSON()),
                        "authenticatorData", b64(assertion.authenticatorData()),
                        "signature", b64(assertion.signature()), "userHandle", b64(assertion.userHandle()))));

        assertThat(http().post("/api/auth/passkey", body).status()).isEqualTo(200);
        final Answer replayed = http().post("/api/auth/passkey", body);
        assertThat(replayed.status()).isEqualTo(401);
        assertThat(replayed.code()).isEqualTo("invalid_passkey");
        assertThat(replayed.json().path("detail").asText()).startsWith("challengeUsed:");
        assertThat(signIn(registered, WEB, 6, Map.of("clientId", "someone-else")).code()).isEqualTo("invalid_request");
    }

    @Test
    void anAndroidAppsOriginRegistersAndSignsIn() {
        final String android = "android:apk-key-hash:" + b64(java.util.HexFormat.ofDelimiter(":")
                .parseHex(ANDROID_FINGERPRINT.toLowerCase(java.util.Locale.ROOT)));
        final Registered registered = register(signedIn(), android);
        assertThat(registered.answer().status()).as(registered.answer().toString()).isEqualTo(201);

        final Answer signIn = signIn(registered, android, 2, Map.of("clientId", GOOGLE_CLIENT));
        assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
        assertThat(DB.one("SELECT client_id FROM sessions WHERE passkey_id = CAST(? AS uuid)",
                registered.answer().json().path("id").asText()).get("client_id")).isEqualTo(GOOGLE_CLIENT);
    }

    @Test
    void anUnknownCredentialOrADisabledUserDoesNotSignIn() {
        final Registered registered = register(signedIn(), WEB);
        final Registered unknown = new Registered(new SoftwareAuthenticator(RP_ID), registered.userHandle(),
                registered.accessToken(), registered.answer());
        unknown.authenticator().register(WEB, new byte[32], registered.userHandle());
        final Answer stranger = signIn(unknown, WEB, 2, Map.of());
        assertThat(stranger.status()).isEqualTo(401);
        assertThat(stranger.json().path("detail").asText()).startsWith("credential:");

        final String userId = http().get("/api/users/me", registered.accessToken()).json().path("id").asText();
        DB.execute("UPDATE users SET disabled_at = now() WHERE id = CAST(? AS uuid)", userId);
        final Answer disabled = signIn(registered, WEB, 2, Map.of());
        assertThat(disabled.status()).isEqualTo(403);
        assertThat(disabled.code()).isEqualTo("account_disabled");
        assertThat(DB.one("SELECT count(*) AS n FROM sessions WHERE passkey_id IS NOT NULL AND user_id = CAST(? AS uuid)",
                userId).get("n")).as("no session started").isEqualTo(0L);
    }

    private static String metric(String line) {
        return new TestHttp(APP.getAdminPort()).get("/prometheus", null).response().body().lines()
                .filter(sample -> sample.startsWith(line + " ")).findFirst().orElse(line + " 0");
    }

    @Test
    void registrationRefusalsNameTheirCheckInTheAnswerAndTheMetricsAndLeaveNothing() {
        final String refusal = "oauth_passkey_refusals_total{ceremony=\"registration\",check=\"origin\"}";
        final double before = Double.parseDouble(metric(refusal).split(" ")[1]);
        final String token = signedIn();
        final Registered wrongOrigin = register(token, "https://evil.example");
        assertThat(wrongOrigin.answer().status()).isEqualTo(400);
        assertThat(wrongOrigin.answer().code()).isEqualTo("invalid_passkey");
        assertThat(wrongOrigin.answer().json().path("detail").asText()).startsWith("origin:");
        assertThat(http().get("/api/profile/passkeys", token).json().path("passkeys")).isEmpty();
        assertThat(Double.parseDouble(metric(refusal).split(" ")[1])).isEqualTo(before + 1);

        final Registered fromIos = register(token, "https://" + RP_ID);
        assertThat(fromIos.answer().status()).as("iOS apps send https://<RP ID>").isEqualTo(201);
    }

    @Test
    void aCredentialIsRegisteredOnce() {
        final String token = signedIn();
        final Answer options = http().post("/api/auth/passkeys/registration/options", Map.of(), token);
        final JsonNode publicKey = options.json().path("publicKey");
        final byte[] handle = unb64(publicKey.path("user").path("id").asText());
        final var created = new SoftwareAuthenticator(RP_ID).register(WEB, unb64(publicKey.path("challenge").asText()),
                handle);
        assertThat(http().post("/api/auth/passkeys/registration",
                Map.of("credential", registration(created, Base64.getUrlEncoder().withoutPadding())), token).status())
                .isEqualTo(201);

        // The same credential again, over a fresh challenge ("none" attestation signs no client data).
        final byte[] fresh = unb64(http().post("/api/auth/passkeys/registration/options", Map.of(), token).json()
                .path("publicKey").path("challenge").asText());
        final var again = new SoftwareAuthenticator.Created(created.credentialId(),
                SoftwareAuthenticator.clientData("webauthn.create", fresh, WEB), created.attestationObject());
        final Answer twice = http().post("/api/auth/passkeys/registration",
                Map.of("credential", registration(again, Base64.getUrlEncoder().withoutPadding())), token);

        assertThat(twice.status()).as(twice.toString()).isEqualTo(409);
        assertThat(twice.code()).isEqualTo("passkey_already_registered");
        assertThat(http().get("/api/profile/passkeys", token).json().path("passkeys")).hasSize(1);
    }

    @Test
    void standardBase64AndPaddedBase64urlAreAcceptedAsIosAppsSendThem() {
        for (Base64.Encoder encoder : new Base64.Encoder[] {Base64.getEncoder(), Base64.getUrlEncoder()}) {
            final String token = signedIn();
            final Answer options = http().post("/api/auth/passkeys/registration/options", Map.of(), token);
            final JsonNode publicKey = options.json().path("publicKey");
            final var created = new SoftwareAuthenticator(RP_ID).register(WEB,
                    unb64(publicKey.path("challenge").asText()), unb64(publicKey.path("user").path("id").asText()));

            final Answer answer = http().post("/api/auth/passkeys/registration",
                    Map.of("credential", registration(created, encoder)), token);

            assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
        }
    }

    @Test
    void aPasskeyIsAWayToSignInForTheLastIdentityRules() {
        final Registered registered = register(signedIn(), WEB);
        final String passkeyId = registered.answer().json().path("id").asText();

        assertThat(http().delete("/api/profile/identities/google", registered.accessToken()).status())
                .as("the passkey is left").isEqualTo(200);
        final String passkeyToken = signIn(registered, WEB, 2, Map.of()).json().path("tokens").path("accessToken").asText();
        final Answer last = http().delete("/api/profile/passkeys/" + passkeyId, passkeyToken);
        assertThat(last.status()).as(last.toString()).isEqualTo(409);
        assertThat(last.code()).isEqualTo("last_identity");
        assertThat(http().get("/api/profile/passkeys", passkeyToken).json().path("passkeys")).hasSize(1);
    }

    @Test
    void theProfileCountsPasskeysAndAnAdminSeesAndDeletesThem() {
        final Registered registered = register(signedIn(), WEB);
        final String passkeyId = registered.answer().json().path("id").asText();
        final Answer me = http().get("/api/users/me", registered.accessToken());
        assertThat(me.json().path("passkeys").asInt()).as(me.toString()).isEqualTo(1);
        final String userId = me.json().path("id").asText();
        final String passkeyToken = signIn(registered, WEB, 2, Map.of()).json().path("tokens").path("accessToken").asText();

        final String adminToken = signedIn();
        final String adminId = http().get("/api/users/me", adminToken).json().path("id").asText();
        final TestApp.CommandResult promoted = TestApp.run(ENV, "users", "promote", "--id", adminId, "--role", "admin",
                TestApp.CONFIG);
        assertThat(promoted.succeeded()).as(promoted.stderr()).isTrue();
        final Answer seen = http().get("/api/admin/users/" + userId, adminToken);
        assertThat(seen.json().path("passkeys").findValuesAsText("id")).as(seen.toString()).containsExactly(passkeyId);

        final Answer deleted = http().delete("/api/admin/users/" + userId + "/passkeys/" + passkeyId, adminToken);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        assertThat(http().get("/api/users/me", passkeyToken).status()).as("its session ended").isEqualTo(401);
        assertThat(http().get("/api/users/me", registered.accessToken()).json().path("passkeys").asInt()).isZero();
        assertThat(DB.one("SELECT actor_id::text AS actor FROM audit_log WHERE event = 'passkey_deleted'"
                + " AND details->>'passkeyId' = ?", passkeyId).get("actor")).isEqualTo(adminId);
    }

    @Test
    void theAssociationFilesComeFromConfiguration() {
        final Answer apple = http().get("/.well-known/apple-app-site-association", null);
        assertThat(apple.status()).isEqualTo(200);
        assertThat(apple.header("Content-Type")).startsWith("application/json");
        assertThat(apple.response().body()).isEqualTo("{\"webcredentials\":{\"apps\":[\"ABCDE12345.com.example.app\"]}}");

        final Answer android = http().get("/.well-known/assetlinks.json", null);
        assertThat(android.status()).isEqualTo(200);
        assertThat(android.response().body()).isEqualTo("[{\"relation\":[\"delegate_permission/common.handle_all_urls\","
                + "\"delegate_permission/common.get_login_creds\"],\"target\":{\"namespace\":\"android_app\","
                + "\"package_name\":\"com.example.app\",\"sha256_cert_fingerprints\":[\"" + ANDROID_FINGERPRINT + "\"]}}]");
    }
}
