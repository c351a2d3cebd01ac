package dev.oauthapi.users;

import dev.oauthapi.dpop.DpopBinding;

/**
 * Where a sign-in comes from: the device the app reports and what the connection shows, the app
 * token it presents ({@code X-App-Check}; null without one), its DPoP proof as sent, once the
 * proof passed the key the session is bound to ({@link #dpopJkt}, null when unbound), and the
 * OAuth client the session is for when it is not the ID token's ({@link #client}: the browser
 * flow of {@code /oauth/authorize}, whose token names the web client). All optional; lengths are
 * already bounded by the request validation.
 */
public record SignInContext(String platform, String deviceName, String appVersion, String ipAddress,
                            String userAgent, String appCheck, DpopBinding.Presented dpop, String dpopJkt,
                            String client) {
    public SignInContext(String platform, String deviceName, String appVersion, String ipAddress, String userAgent,
                         String appCheck, DpopBinding.Presented dpop) {
        this(platform, deviceName, appVersion, ipAddress, userAgent, appCheck, dpop, null, null);
    }

    public SignInContext(String platform, String deviceName, String appVersion, String ipAddress, String userAgent,
                         String appCheck) {
        this(platform, deviceName, appVersion, ipAddress, userAgent, appCheck, DpopBinding.Presented.NONE);
    }

    /** This context, its session bound to the key of {@code jkt} (null: unbound). */
    public SignInContext boundTo(String jkt) {
        return new SignInContext(platform, deviceName, appVersion, ipAddress, userAgent, appCheck, dpop, jkt, client);
    }

    /**
     * This context from a browser sign-in: on {@code defaultPlatform} unless the app said, for the
     * OAuth client {@code sessionClient} (null: the ID token's).
     */
    public SignInContext fromBrowser(String defaultPlatform, String sessionClient) {
        return new SignInContext(platform != null ? platform : defaultPlatform, deviceName, appVersion, ipAddress,
                userAgent, appCheck, dpop, dpopJkt, sessionClient);
    }

    /** The client the session is for: {@link #client}, else the one the ID token was issued to. */
    public String sessionClient(String tokenClient) {
        return client != null ? client : tokenClient;
    }

    @Override
    public String toString() {
        // The app token and the proof stay out of logs.
        return "SignInContext[" + platform + ", " + ipAddress + "]";
    }
}
