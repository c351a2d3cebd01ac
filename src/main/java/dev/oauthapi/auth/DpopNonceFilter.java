package dev.oauthapi.auth;

import dev.oauthapi.dpop.DpopBinding;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;

/**
 * With DPoP server nonces on, every answer carries the current nonce ({@code DPoP-Nonce}, RFC 9449
 * §8.2), so an app has the next one before it needs it, and browsers may read it
 * ({@code Access-Control-Expose-Headers}). A refusal that asks for a nonce set its own already.
 */
public final class DpopNonceFilter implements ContainerResponseFilter {
    private final DpopBinding dpop;

    public DpopNonceFilter(DpopBinding dpop) {
        this.dpop = dpop;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!response.getHeaders().containsKey(DpopBinding.NONCE_HEADER)) {
            response.getHeaders().putSingle(DpopBinding.NONCE_HEADER, dpop.nonce());
        }
        response.getHeaders().putSingle("Access-Control-Expose-Headers", DpopBinding.NONCE_HEADER);
    }
}
