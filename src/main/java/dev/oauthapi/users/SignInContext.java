package dev.oauthapi.users;

/**
 * Where a sign-in comes from: the device the app reports and what the connection shows. All
 * optional; lengths are already bounded by the request validation.
 */
public record SignInContext(String platform, String deviceName, String appVersion, String ipAddress,
                            String userAgent) {
}
