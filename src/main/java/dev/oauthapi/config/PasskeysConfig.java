package dev.oauthapi.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code passkeys} block: sign-in with passkeys (WebAuthn). No RP ID means it is off. The RP ID
 * never changes once users have passkeys: each passkey is bound to it, and every one stops working
 * with another.
 *
 * @param rpId        the relying party id: the registrable domain the passkeys belong to
 * @param rpName      the name authenticators show; the RP ID when blank
 * @param origins     web origins ceremonies may come from (https; {@code http://localhost} only with
 *                    the RP ID {@code localhost}, which is dev mode's)
 * @param iosAppIds   {@code TEAMID.bundle.id} of the iOS apps, for {@code apple-app-site-association}
 * @param androidApps {@code package.name=AA:BB:...} SHA-256 signing-certificate fingerprints (several of
 *                    one app separated by {@code ;}), for {@code assetlinks.json} and their origins
 */
public record PasskeysConfig(
        @NotNull String rpId,
        @NotNull String rpName,
        @NotNull CommaSeparated origins,
        @NotNull CommaSeparated iosAppIds,
        @NotNull CommaSeparated androidApps) {
    private static final Pattern IOS_APP = Pattern.compile("[A-Z0-9]{10}\\.[A-Za-z0-9.-]+");
    private static final Pattern RP_ID = Pattern.compile("(?i)localhost|([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,63}");

    @JsonIgnore
    public boolean isEnabled() {
        return !rpId.isBlank();
    }

    /** The name the authenticator shows for this service. */
    @JsonIgnore
    public String displayName() {
        return rpName.isBlank() ? rpId : rpName;
    }

    @JsonIgnore
    public List<AndroidApp> android() {
        return AndroidApp.parse(androidApps);
    }

    /**
     * Every origin a ceremony may come from: the configured web origins, {@code https://<RP ID>}
     * (what iOS apps send), and each Android app's {@code android:apk-key-hash:} origins.
     */
    @JsonIgnore
    public Set<String> acceptedOrigins() {
        final Set<String> accepted = new LinkedHashSet<>(origins.values());
        accepted.add("https://" + rpId);
        android().forEach(app -> accepted.addAll(app.origins()));
        return Set.copyOf(accepted);
    }

    @JsonIgnore
    @AssertTrue(message = "PASSKEY_RP_ID must be a domain name (example.com, auth.example.com) or localhost")
    public boolean isRpIdADomain() {
        return rpId == null || rpId.isBlank() || RP_ID.matcher(rpId).matches();
    }

    @JsonIgnore
    @AssertTrue(message = "PASSKEY_ORIGINS must be https origins (https://example.com, no path), or"
            + " http://localhost origins with PASSKEY_RP_ID=localhost (dev mode)")
    public boolean isOriginsValid() {
        if (origins == null || rpId == null) {
            return true;
        }
        for (String origin : origins.values()) {
            try {
                final URI uri = new URI(origin);
                final boolean bare = uri.getHost() != null && (uri.getPath() == null || uri.getPath().isEmpty())
                        && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null;
                final boolean https = "https".equals(uri.getScheme());
                final boolean devHttp = "http".equals(uri.getScheme()) && "localhost".equals(uri.getHost())
                        && "localhost".equals(rpId);
                if (!bare || !(https || devHttp)) {
                    return false;
                }
            } catch (java.net.URISyntaxException e) {
                return false;
            }
        }
        return true;
    }

    @JsonIgnore
    @AssertTrue(message = "PASSKEY_IOS_APP_IDS must be TEAMID.bundle.id values (ABCDE12345.com.example.app)")
    public boolean isIosAppIdsValid() {
        return iosAppIds == null || iosAppIds.values().stream().allMatch(id -> IOS_APP.matcher(id).matches());
    }

    @JsonIgnore
    @AssertTrue(message = "PASSKEY_ANDROID_APPS must be package.name=AA:BB:... entries, each fingerprint the 32"
            + " bytes of a SHA-256 in hex pairs separated by ':', several of one app separated by ';'")
    public boolean isAndroidAppsValid() {
        return AndroidApp.isValid(androidApps);
    }

    @JsonIgnore
    @AssertTrue(message = "PASSKEY_ORIGINS, PASSKEY_IOS_APP_IDS and PASSKEY_ANDROID_APPS need PASSKEY_RP_ID")
    public boolean isRpIdSetWhenUsed() {
        return rpId == null || !rpId.isBlank() || (origins == null || origins.isEmpty())
                && (iosAppIds == null || iosAppIds.isEmpty()) && (androidApps == null || androidApps.isEmpty());
    }
}
