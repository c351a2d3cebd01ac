package dev.oauthapi.testing;

import dev.oauthapi.auth.AuthenticatedUser;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/** A protected endpoint for admins only, as the admin API's will be; tests register it. */
@Path("/test/admin-probe")
@Produces(MediaType.APPLICATION_JSON)
public final class AdminProbe {
    @GET
    @RolesAllowed("admin")
    public Map<String, String> get(@Auth AuthenticatedUser user) {
        return Map.of("userId", user.userId().toString(), "role", user.role());
    }
}
