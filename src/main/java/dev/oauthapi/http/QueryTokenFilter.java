package dev.oauthapi.http;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Refuses a request that carries {@code access_token} in its query string with
 * {@code 400 invalid_request}, on every path, before anything reads it (RFC 6750 §2.3 allows the
 * query only where the header cannot be used, and URLs end up in proxy and access logs). Bearer
 * tokens are read from the {@code Authorization} header only ({@code BearerTokenFilter}); refusing
 * outright, rather than ignoring the parameter, tells the app's developer what to change.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 200)
public final class QueryTokenFilter implements ContainerRequestFilter {
    static final String PARAMETER = "access_token";

    @Override
    public void filter(ContainerRequestContext request) {
        final String query = request.getUriInfo().getRequestUri().getRawQuery();
        if (query != null && hasParameter(query, PARAMETER)) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "access_token: send the access token in the"
                    + " Authorization header (Authorization: Bearer <accessToken>), never in the URL.");
        }
    }

    /** Whether the raw query names {@code name}, however its name is percent-encoded. */
    static boolean hasParameter(String rawQuery, String name) {
        for (String pair : rawQuery.split("[&;]")) {
            final int equals = pair.indexOf('=');
            final String rawName = equals < 0 ? pair : pair.substring(0, equals);
            if (rawName.equals(name) || decode(rawName).equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw; // a malformed escape: not the name, and not our concern here
        }
    }
}
