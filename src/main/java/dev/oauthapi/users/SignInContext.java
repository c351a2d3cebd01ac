package dev.oauthapi.users;

import dev.oauthapi.dpop.DpopBinding;

/**
 * Where a sign-in comes from: the device the app reports and what the connection shows, the app
 * token it presents ({@code X-App-Check}; null without one), its DPoP proof as sent, and, once
 * the proof passed, the key the session is bound to ({@link #dpopJkt}, null when unbound). All
 * optional; lengths are already bounded by the request validation.
 */
public record SignInContext(String platform, String deviceName, String appVersion, String ipAddress,
                            String userAgent, String appCheck, DpopBinding.Presented dpop, String dpopJkt) {
    public SignInContext(String platform, String deviceName, String appVersion, String ipAddress, String userAgent,
                         String appCheck) {
        this(platform, deviceName, appVersion, ipAddress, userAgent, appCheck, DpopBinding.Presented.NONE, null);
    }

    /** This context, its session bound to the key of {@code jkt} (null: unbound). */
    public SignInContext boundTo(String jkt) {
        return new SignInContext(platform, deviceName, appVersion, ipAddress, userAgent, appCheck, dpop, jkt);
    }

    @Override
    public String toString() {
        // The app token and the proof stay out of logs.
        return "SignInContext[" + platform + ", " + ipAddress + "]";
    }
}
