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
 * Our public keys, for anyone verifying our access tokens: every key in the folder, as last read
 * (a new key is here well before it signs: see {@link SigningKeys}). Cacheable for five minutes.
 */
@Path("/.well-known/jwks.json")
@Produces(MediaType.APPLICATION_JSON)
public final class JwksResource {
    private final SigningKeys keys;

    public JwksResource(SigningKeys keys) {
        this.keys = keys;
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
        return Response.ok(new JwksResponse(keys.publicJwks().stream()
                .<Map<String, ?>>map(JwksResource::withUse)
                .toList())).cacheControl(cache).build();
    }
}
