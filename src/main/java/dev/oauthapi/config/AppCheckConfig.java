package dev.oauthapi.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code appCheck} block: app attestation (Apple App Attest, Google Play Integrity, debug
 * tokens) and the gate on the requests that start or renew a session. {@code off} by default;
 * {@code monitor} counts what {@code enforce} would refuse.
 *
 * @param mode               {@code off}, {@code monitor} or {@code enforce}
 * @param iosAppIds          {@code TEAMID.bundle.id} of the iOS apps that may attest
 * @param attestEnvironment  {@code production}, or {@code development} for builds from Xcode
 * @param rootCa             a PEM file that replaces Apple's App Attestation root (tests only)
 * @param androidPackages    {@code package.name=AA:BB:...} signing-certificate fingerprints
 * @param playIntegrityDecode {@code google} (Google decodes, with the service account) or {@code local}
 * @param playIntegrityUrl   the root URL of Google's Play Integrity API (a fake's in tests)
 * @param deviceVerdict      the device verdict an Android device must have
 * @param maxTokenAge        how old a Play Integrity verdict may be
 * @param debugTokens        {@code label=secret} pairs for simulators, emulators and CI
 * @param tokenTtl           how long an app token lives
 * @param clients            {@code clientId=appId}: an app token of another app is refused for that client
 */
public record AppCheckConfig(
        @NotNull @Pattern(regexp = "off|monitor|enforce", message = "APP_CHECK_MODE must be off, monitor or enforce")
        String mode,
        @NotNull CommaSeparated iosAppIds,
        @NotNull @Pattern(regexp = "production|development",
                message = "APP_ATTEST_ENVIRONMENT must be production or development") String attestEnvironment,
        @NotNull String rootCa,
        @NotNull CommaSeparated androidPackages,
        @NotNull @Pattern(regexp = "google|local", message = "PLAY_INTEGRITY_DECODE must be google or local")
        String playIntegrityDecode,
        @NotNull URI playIntegrityUrl,
        @NotNull String googleApplicationCredentials,
        @NotNull Secret playIntegrityDecryptionKey,
        @NotNull String playIntegrityVerificationKey,
        @NotNull @Pattern(regexp = "MEETS_BASIC_INTEGRITY|MEETS_DEVICE_INTEGRITY|MEETS_STRONG_INTEGRITY|MEETS_VIRTUAL_INTEGRITY",
                message = "APP_CHECK_ANDROID_DEVICE_VERDICT must be one of Play Integrity's device verdicts")
        String deviceVerdict,
        @NotNull @MinDuration(value = 1, unit = TimeUnit.MINUTES) @MaxDuration(value = 1, unit = TimeUnit.DAYS)
        Duration maxTokenAge,
        @NotNull Secret debugTokens,
        @NotNull @MinDuration(value = 1, unit = TimeUnit.MINUTES) @MaxDuration(value = 1, unit = TimeUnit.DAYS)
        Duration tokenTtl,
        @NotNull CommaSeparated clients) {
    private static final java.util.regex.Pattern IOS_APP = java.util.regex.Pattern.compile("[A-Z0-9]{10}\\.[A-Za-z0-9.-]+");

    @JsonIgnore
    public boolean isOn() {
        return !"off".equals(mode);
    }

    @JsonIgnore
    public boolean isEnforced() {
        return "enforce".equals(mode);
    }

    @JsonIgnore
    public boolean isProduction() {
        return "production".equals(attestEnvironment);
    }

    @JsonIgnore
    public boolean decodesLocally() {
        return "local".equals(playIntegrityDecode);
    }

    @JsonIgnore
    public List<AndroidApp> android() {
        return AndroidApp.parse(androidPackages);
    }

    /** The debug tokens' entries; never printed. */
    @JsonIgnore
    public List<String> debugTokenEntries() {
        return CommaSeparated.parse(debugTokens.reveal()).values();
    }

    /** {@code APP_CHECK_CLIENTS} as client id to app id. */
    @JsonIgnore
    public Map<String, String> appOfClient() {
        final Map<String, String> ties = new LinkedHashMap<>();
        for (String entry : clients.values()) {
            final int equals = entry.indexOf('=');
            ties.put(entry.substring(0, equals).trim(), entry.substring(equals + 1).trim());
        }
        return Map.copyOf(ties);
    }

    @JsonIgnore
    @AssertTrue(message = "APP_CHECK_IOS_APP_IDS must be TEAMID.bundle.id values (ABCDE12345.com.example.app)")
    public boolean isIosAppIdsValid() {
        return iosAppIds == null || iosAppIds.values().stream().allMatch(id -> IOS_APP.matcher(id).matches());
    }

    @JsonIgnore
    @AssertTrue(message = "APP_CHECK_ANDROID_PACKAGES must be package.name=AA:BB:... entries, each fingerprint the 32"
            + " bytes of a SHA-256 in hex pairs separated by ':', several of one app separated by ';'")
    public boolean isAndroidPackagesValid() {
        return AndroidApp.isValid(androidPackages);
    }

    @JsonIgnore
    @AssertTrue(message = "APP_CHECK_CLIENTS must be clientId=appId entries, the app one of APP_CHECK_IOS_APP_IDS or"
            + " APP_CHECK_ANDROID_PACKAGES")
    public boolean isClientsValid() {
        if (clients == null || iosAppIds == null || androidPackages == null || !AndroidApp.isValid(androidPackages)) {
            return true;
        }
        for (String entry : clients.values()) {
            final int equals = entry.indexOf('=');
            if (equals <= 0) {
                return false;
            }
            final String app = entry.substring(equals + 1).trim();
            if (!iosAppIds.values().contains(app) && android().stream().noneMatch(a -> a.packageName().equals(app))) {
                return false;
            }
        }
        return true;
    }

    @JsonIgnore
    @AssertTrue(message = "APP_CHECK_MODE monitor or enforce needs a way to attest: APP_CHECK_IOS_APP_IDS,"
            + " APP_CHECK_ANDROID_PACKAGES or APP_CHECK_DEBUG_TOKENS")
    public boolean isAttestableWhenOn() {
        return mode == null || !isOn() || iosAppIds == null || androidPackages == null || debugTokens == null
                || !iosAppIds.isEmpty() || !androidPackages.isEmpty() || !debugTokens.isEmpty();
    }

    @JsonIgnore
    @AssertTrue(message = "Play Integrity needs GOOGLE_APPLICATION_CREDENTIALS (PLAY_INTEGRITY_DECODE=google), or"
            + " PLAY_INTEGRITY_DECRYPTION_KEY and PLAY_INTEGRITY_VERIFICATION_KEY (PLAY_INTEGRITY_DECODE=local)")
    public boolean isPlayIntegrityComplete() {
        if (androidPackages == null || androidPackages.isEmpty() || playIntegrityDecode == null) {
            return true;
        }
        return decodesLocally() ? !playIntegrityDecryptionKey.isEmpty() && !playIntegrityVerificationKey.isBlank()
                : !googleApplicationCredentials.isBlank();
    }
}
