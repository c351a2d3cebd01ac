package dev.oauthapi.auth;

import io.dropwizard.auth.AuthFilter;
import dev.oauthapi.errors.RequestIds;
import jakarta.annotation.Priority;
import org.slf4j.MDC;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import java.security.Principal;

/**
 * Reads the access token from {@code Authorization: Bearer <token>} (or {@code DPoP <token>}, for
 * a DPoP-bound one, RFC 9449 §7.1) and nowhere else. Dropwizard's
 * {@code OAuthCredentialAuthFilter} falls back to an {@code access_token} query parameter, which
 * puts tokens in URLs and so in logs; such requests are refused before this filter
 * ({@link dev.oauthapi.http.QueryTokenFilter}).
 */
@Priority(Priorities.AUTHENTICATION)
public final class BearerTokenFilter<P extends Principal> extends AuthFilter<BearerToken, P> {
    private static final String SCHEME = "Bearer";
    private static final String DPOP = "DPoP";

    private BearerTokenFilter() {
    }

    @Override
    public void filter(ContainerRequestContext request) {
        final String header = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        final String token = token(header);
        if (!authenticate(request, token == null ? null : new BearerToken(token, request, isDpop(header)), SCHEME)) {
            // A DPoP client is challenged in its own scheme (RFC 9449 §7.1).
            throw unauthorizedHandler.buildException(header != null && isDpop(header) ? DPOP : prefix, realm);
        }
        // Who the request is from, for every log line of it and the request log: the id only.
        final String user = request.getSecurityContext().getUserPrincipal().getName();
        request.setProperty(RequestIds.USER_MDC_KEY, user);
        MDC.put(RequestIds.USER_MDC_KEY, user);
    }

    /** The token of a Bearer or DPoP header (the scheme is case-insensitive, RFC 9110 §11.1); else null. */
    static String token(String header) {
        if (header == null) {
            return null;
        }
        final int space = header.indexOf(' ');
        if (space <= 0 || !header.substring(0, space).equalsIgnoreCase(SCHEME) && !isDpop(header)) {
            return null;
        }
        final String token = header.substring(space + 1).strip();
        return token.isEmpty() ? null : token;
    }

    private static boolean isDpop(String header) {
        final int space = header.indexOf(' ');
        return space > 0 && header.substring(0, space).equalsIgnoreCase(DPOP);
    }

    public static final class Builder<P extends Principal> extends AuthFilterBuilder<BearerToken, P, BearerTokenFilter<P>> {
        @Override
        protected BearerTokenFilter<P> newInstance() {
            return new BearerTokenFilter<>();
        }
    }
}
