package dev.oauthapi.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;

/**
 * {@code Cache-Control: no-store} and {@code Pragma: no-cache} (for HTTP/1.0 caches) on every
 * answer under {@code /api/} and {@code /oauth/}: they carry tokens (RFC 6749 §5.1) or personal data, or are errors
 * about them, and no browser, proxy or app cache may keep them. Set on all of them rather than
 * per endpoint, so a new endpoint cannot forget it. The public documents ({@code /health}, the
 * JWKS, the OpenAPI description) keep their own caching.
 */
public final class NoStoreFilter implements ContainerResponseFilter {
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        final String path = request.getUriInfo().getPath();
        if (path.startsWith("api/") || path.startsWith("oauth/")) {
            response.getHeaders().putSingle("Cache-Control", "no-store");
            response.getHeaders().putSingle("Pragma", "no-cache");
        }
    }
}
