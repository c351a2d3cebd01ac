package dev.oauthapi.auth;

import dev.oauthapi.dpop.DpopBinding;
import dev.oauthapi.http.RateLimitFeature;
import dev.oauthapi.redis.RateLimitCounters;
import jakarta.ws.rs.container.ContainerRequestContext;

/**
 * The credentials of a request: its bearer token (sent as {@code DPoP} when {@code dpop}), and the
 * request itself, where the session check
 * leaves what it learnt on the way in its one Redis round trip. That is the request's count in the
 * user's rate window (the rate limit then only decides) and the user's profile version (which
 * tells whether a cached profile is current). Either is absent when Redis did not answer: the rate
 * limiter then counts the request itself, and no cached profile is trusted.
 */
public record BearerToken(String value, ContainerRequestContext request, boolean dpop) {
    private static final String USER_VERSION = "oauth-api.user-version";

    /** The user's version as the session check read it for this request; null when unknown. */
    public static String userVersion(ContainerRequestContext request) {
        return request.getProperty(USER_VERSION) instanceof String version ? version : null;
    }

    void learnt(RateLimitCounters.Count counted, String userVersion) {
        if (counted != null) {
            RateLimitFeature.alreadyCounted(request, counted);
        }
        if (userVersion != null) {
            request.setProperty(USER_VERSION, userVersion);
        }
    }

    /** The request's DPoP proofs, method and path, for a bound token's check. */
    DpopBinding.Presented proof() {
        final java.util.List<String> headers = request.getHeaders().get("DPoP");
        return new DpopBinding.Presented(headers == null ? java.util.List.of() : headers, request.getMethod(),
                request.getUriInfo().getRequestUri().getRawPath());
    }

    @Override
    public String toString() {
        return "BearerToken[value=[REDACTED]]";
    }
}
