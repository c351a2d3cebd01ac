package dev.oauthapi.appcheck;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oauthapi.config.AndroidApp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A Play Integrity verdict, checked as a named list of steps once decoded ({@link IntegrityDecoder}):
 * the package is ours and the one the token was requested by and for, the request carries our
 * challenge, it is recent, Play recognises the app, one of its signing certificates is ours, and
 * the device has the required integrity. Each refusal names its step.
 */
final class PlayIntegrity {
    private final IntegrityDecoder decoder;
    private final Map<String, AndroidApp> apps;
    private final String deviceVerdict;
    private final Duration maxAge;
    private final Clock clock;

    PlayIntegrity(IntegrityDecoder decoder, List<AndroidApp> apps, String deviceVerdict, Duration maxAge, Clock clock) {
        this.decoder = decoder;
        this.apps = apps.stream().collect(Collectors.toUnmodifiableMap(AndroidApp::packageName, Function.identity()));
        this.deviceVerdict = deviceVerdict;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    boolean isEnabled() {
        return !apps.isEmpty();
    }

    /** The package the verdict proves, once every step passed for {@code challenge}. */
    String verify(String integrityToken, String challenge, String packageName) {
        final AndroidApp app = apps.get(packageName);
        if (app == null) {
            throw new AppCheckRejected("packageName", "not one of APP_CHECK_ANDROID_PACKAGES");
        }
        final JsonNode payload = decoder.decode(packageName, integrityToken);
        final JsonNode request = payload.path("requestDetails");
        require(packageName.equals(request.path("requestPackageName").asText(null)), "requestPackageName",
                "the token was requested by another package");
        final JsonNode appIntegrity = payload.path("appIntegrity");
        require(packageName.equals(appIntegrity.path("packageName").asText(null)), "appPackageName",
                "the verdict is about another package");
        // Standard requests carry it as requestHash, classic ones as nonce.
        final String carried = request.hasNonNull("requestHash") ? request.path("requestHash").asText()
                : request.path("nonce").asText(null);
        require(challenge.equals(carried), "challenge", "the request does not carry this challenge");
        require(isRecent(request.path("timestampMillis").asText(null)), "timestamp",
                "the verdict is older than APP_CHECK_MAX_TOKEN_AGE, or from the future");
        require("PLAY_RECOGNIZED".equals(appIntegrity.path("appRecognitionVerdict").asText(null)), "appRecognition",
                "Play does not recognise this app (" + appIntegrity.path("appRecognitionVerdict").asText("none") + ")");
        require(containsAny(appIntegrity.path("certificateSha256Digest"), app.digests()), "certificate",
                "the app is not signed with one of the configured certificates");
        require(containsAny(payload.path("deviceIntegrity").path("deviceRecognitionVerdict"), List.of(deviceVerdict)),
                "deviceIntegrity", "the device does not meet " + deviceVerdict);
        return packageName;
    }

    private boolean isRecent(String timestampMillis) {
        if (timestampMillis == null || !timestampMillis.matches("\\d{1,18}")) {
            return false;
        }
        final Instant at = Instant.ofEpochMilli(Long.parseLong(timestampMillis));
        final Instant now = clock.instant();
        // A little of the future is the phone's clock, not an attack.
        return !at.isBefore(now.minus(maxAge)) && !at.isAfter(now.plus(Duration.ofMinutes(5)));
    }

    private static boolean containsAny(JsonNode array, List<String> wanted) {
        if (!array.isArray()) {
            return false;
        }
        for (JsonNode value : array) {
            if (wanted.contains(value.asText())) {
                return true;
            }
        }
        return false;
    }

    private static void require(boolean holds, String step, String detail) {
        if (!holds) {
            throw new AppCheckRejected(step, detail);
        }
    }
}
