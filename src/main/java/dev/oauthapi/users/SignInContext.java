package dev.oauthapi.users;

/**
 * Where a sign-in comes from: the device the app reports and what the connection shows, and the
 * app token it presents ({@code X-App-Check}; null without one). All optional; lengths are already
 * bounded by the request validation.
 */
public record SignInContext(String platform, String deviceName, String appVersion, String ipAddress,
                            String userAgent, String appCheck) {
    @Override
    public String toString() {
        // The app token stays out of logs.
        return "SignInContext[" + platform + ", " + ipAddress + "]";
    }
}
