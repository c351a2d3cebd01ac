package dev.oauthapi.appcheck;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakePlayIntegrity;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * App attestation in {@code monitor} mode, with Play Integrity decoded by Google (Google's own
 * client, a service account, against a fake as strict as Google's): nothing is refused, and
 * {@code oauth_app_check_total} counts what {@code enforce} would have refused. Google out of reach
 * is {@code 503 provider_unavailable}, never a refusal of the app.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AppCheckMonitorTest {
    static final String ANDROID_APP = "com.example.android";
    static final String OTHER_APP = "com.example.other";
    static final String FINGERPRINT = AppCheckEnforceTest.FINGERPRINT;
    static final String CLIENT = "1234-android.apps.googleusercontent.com";
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final FakePlayIntegrity PLAY = FakePlayIntegrity.start();
    static final Map<String, String> ENV = env();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);

    private static Map<String, String> env() {
        final Map<String, String> env = new HashMap<>(TestEnvironment.withProviders(GOOGLE, CLIENT, APPLE, "unused"));
        env.put("APP_CHECK_MODE", "monitor");
        env.put("APP_CHECK_ANDROID_PACKAGES", ANDROID_APP + "=" + FINGERPRINT + "," + OTHER_APP + "=" + FINGERPRINT);
        env.put("APP_CHECK_CLIENTS", CLIENT + "=" + ANDROID_APP);
        try {
            env.put("GOOGLE_APPLICATION_CREDENTIALS", PLAY.writeCredentials(Files.createTempDirectory("play")).toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        env.put("PLAY_INTEGRITY_URL", PLAY.rootUrl());
        return env;
    }

    @AfterAll
    static void stop() {
        GOOGLE.close();
        APPLE.close();
        PLAY.close();
    }

    @AfterEach
    void heal() {
        PLAY.heal();
    }

    private static TestHttp http() {
        return new TestHttp(APP.getLocalPort());
    }

    private static double metric(String series) {
        return new TestHttp(APP.getAdminPort()).get("/prometheus", null).response().body().lines()
                .filter(line -> line.startsWith(series + " ")).mapToDouble(line -> Double.parseDouble(
                        line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static String gate(String platform, String outcome) {
        return "oauth_app_check_total{outcome=\"" + outcome + "\",platform=\"" + platform + "\"}";
    }

    /** A standard request's verdict (the challenge as its requestHash), minted for {@code mintedFor}. */
    private static Answer attest(String mintedFor, String packageName) {
        final String challenge = http().post("/api/app-check/challenge", Map.of()).json().path("challenge").asText();
        final String token = PLAY.mint(mintedFor, FakePlayIntegrity.genuinePayload(mintedFor, AppCheckEnforceTest.DIGEST,
                null, challenge, System.currentTimeMillis()));
        return http().post("/api/app-check/android", Map.of("integrityToken", token, "challenge", challenge,
                "packageName", packageName));
    }

    private static Answer signIn(Map<String, String> headers) {
        return http().post("/api/auth/google", Map.of("idToken", GOOGLE.token(CLIENT, "m-" + UUID.randomUUID()).build()),
                null, headers);
    }

    @Test
    void googleDecodesAGenuineVerdictAndItsAppTokenPasses() {
        final int calls = PLAY.decodeCalls();
        final Answer attested = attest(ANDROID_APP, ANDROID_APP);
        assertThat(attested.status()).as(attested.toString()).isEqualTo(200);
        assertThat(PLAY.decodeCalls()).isEqualTo(calls + 1);
        final double passed = metric(gate("android", "passed"));

        final Answer signedIn = signIn(Map.of("X-App-Check", attested.json().path("appToken").asText()));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        assertThat(metric(gate("android", "passed"))).isEqualTo(passed + 1);
    }

    @Test
    void monitorRefusesNothingAndCountsWhatEnforcingWouldRefuse() {
        final double missing = metric(gate("unknown", "missing"));
        final double invalid = metric(gate("unknown", "invalid"));
        final double wrongApp = metric(gate("android", "wrong_app"));

        final Answer bare = signIn(Map.of());
        assertThat(bare.status()).as(bare.toString()).isEqualTo(200);
        assertThat(signIn(Map.of("X-App-Check", "not-an-app-token")).status()).isEqualTo(200);
        final Answer refreshed = http().post("/api/auth/refresh", Map.of("refreshToken",
                bare.json().path("tokens").path("refreshToken").asText()), null, Map.of());
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        final String otherAppsToken = attest(OTHER_APP, OTHER_APP).json().path("appToken").asText();
        assertThat(signIn(Map.of("X-App-Check", otherAppsToken)).status()).isEqualTo(200);

        assertThat(metric(gate("unknown", "missing"))).isEqualTo(missing + 2);
        assertThat(metric(gate("unknown", "invalid"))).isEqualTo(invalid + 1);
        assertThat(metric(gate("android", "wrong_app"))).isEqualTo(wrongApp + 1);
    }

    @Test
    void googleRefusingToDecodeForThisPackageIsARefusalAndNamesItsStep() {
        final double refusals = metric("oauth_app_check_refusals_total{platform=\"android\",step=\"decode\"}");
        final Answer answer = attest(OTHER_APP, ANDROID_APP);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(401);
        assertThat(answer.code()).isEqualTo("invalid_attestation");
        assertThat(answer.json().path("detail").asText()).startsWith("decode:");
        assertThat(metric("oauth_app_check_refusals_total{platform=\"android\",step=\"decode\"}")).isEqualTo(refusals + 1);
    }

    @Test
    void googleOutOfReachIsProviderUnavailableWithinTheDecodesDeadline() {
        PLAY.failWith(503);
        final Answer down = attest(ANDROID_APP, ANDROID_APP);
        assertThat(down.status()).as(down.toString()).isEqualTo(503);
        assertThat(down.code()).isEqualTo("provider_unavailable");
        assertThat(down.header("Retry-After")).isNotNull();

        PLAY.heal();
        PLAY.delay(Duration.ofSeconds(8));
        final long started = System.nanoTime();
        final Answer slow = attest(ANDROID_APP, ANDROID_APP);
        assertThat(slow.code()).isEqualTo("provider_unavailable");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("bounded by the decode's deadline")
                .isLessThan(Duration.ofSeconds(7));
    }
}
