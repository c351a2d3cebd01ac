package dev.oauthapi.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

import java.net.URI;

/**
 * The {@code web} block: sign-in through the browser (redirect flows). No redirect URIs means it
 * is off. Each provider takes part when its web client is configured: Google with a client id and
 * secret (the code is exchanged server to server), Apple with a Services ID.
 *
 * @param redirectUris  where the final redirect may go, compared exactly (custom schemes allowed)
 * @param publicBaseUrl where this service is reached from browsers and apps; the callbacks live under
 *                      it. Empty: the origin of {@code JWT_ISSUER} (see {@code OAuthApiConfiguration#publicBaseUrl})
 */
public record WebSignInConfig(
        @NotNull CommaSeparated redirectUris,
        URI publicBaseUrl,
        @NotNull String googleClientId,
        @NotNull Secret googleClientSecret,
        @NotNull URI googleAuthorizationUrl,
        @NotNull URI googleTokenUrl,
        @NotNull String appleClientId,
        @NotNull URI appleAuthorizationUrl) {

    @JsonIgnore
    public boolean isEnabled() {
        return !redirectUris.isEmpty();
    }

    @JsonIgnore
    public boolean isGoogleEnabled() {
        return isEnabled() && !googleClientId.isBlank();
    }

    @JsonIgnore
    public boolean isAppleEnabled() {
        return isEnabled() && !appleClientId.isBlank();
    }

    @JsonIgnore
    @AssertTrue(message = "GOOGLE_WEB_CLIENT_ID and GOOGLE_WEB_CLIENT_SECRET must be set together")
    public boolean isGoogleClientComplete() {
        return googleClientId == null || googleClientSecret == null
                || googleClientId.isBlank() == googleClientSecret.isEmpty();
    }

    @JsonIgnore
    @AssertTrue(message = "WEB_REDIRECT_URIS must be absolute URIs without a fragment: https, http on loopback only,"
            + " or an app's own scheme (https://app.example.com/callback, com.example.app:/oauth)")
    public boolean isRedirectUrisAbsolute() {
        if (redirectUris == null) {
            return true;
        }
        for (String uri : redirectUris.values()) {
            try {
                final URI parsed = new URI(uri);
                if (!parsed.isAbsolute() || parsed.getFragment() != null || !isSafeScheme(parsed)) {
                    return false;
                }
            } catch (java.net.URISyntaxException e) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9700 §2.1, OAuth 2.1: plain http only to loopback; never a scheme that runs or holds content. */
    private static boolean isSafeScheme(URI uri) {
        final String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        return switch (scheme) {
            case "https" -> uri.getHost() != null;
            case "http" -> uri.getHost() != null && java.util.Set.of("127.0.0.1", "[::1]", "localhost").contains(uri.getHost());
            case "javascript", "data", "file", "vbscript", "blob", "about", "ftp", "ws", "wss" -> false;
            default -> true; // an app's own scheme
        };
    }

    @JsonIgnore
    @AssertTrue(message = "PUBLIC_BASE_URL must be an http or https URL without a path, query or fragment")
    public boolean isPublicBaseUrlPlain() {
        return isPublicBaseUrlUnset() || (publicBaseUrl.getScheme() != null
                && publicBaseUrl.getScheme().matches("https?") && publicBaseUrl.getHost() != null
                && (publicBaseUrl.getPath() == null || publicBaseUrl.getPath().isEmpty() || publicBaseUrl.getPath().equals("/"))
                && publicBaseUrl.getQuery() == null && publicBaseUrl.getFragment() == null);
    }

    /** {@code PUBLIC_BASE_URL} is empty: the issuer's origin stands for it. */
    @JsonIgnore
    public boolean isPublicBaseUrlUnset() {
        return publicBaseUrl == null || publicBaseUrl.toString().isEmpty();
    }
}
