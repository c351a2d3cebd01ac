package dev.oauthapi.resources;

import dev.oauthapi.api.JwksResponse;
import dev.oauthapi.tokens.SigningKeys;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Our public keys, for anyone verifying our access tokens. Built once: keys change only with a
 * restart. Cacheable for five minutes. The newest key signs as soon as the service starts with it:
 * with several instances, roll a new key out to all of them before relying on it (README).
 */
@Path("/.well-known/jwks.json")
@Produces(MediaType.APPLICATION_JSON)
public final class JwksResource {
    private final JwksResponse jwks;

    public JwksResource(SigningKeys keys) {
        this.jwks = new JwksResponse(keys.publicJwks().stream()
                .<Map<String, ?>>map(JwksResource::withUse)
                .toList());
    }

    private static Map<String, ?> withUse(Map<String, ?> jwk) {
        final Map<String, Object> published = new LinkedHashMap<>(jwk);
        published.put("use", "sig");
        return published;
    }

    @GET
    public Response jwks() {
        final CacheControl cache = new CacheControl();
        cache.setMaxAge(300);
        return Response.ok(jwks).cacheControl(cache).build();
    }
}
