package dev.oauthapi.resources;

import dev.oauthapi.api.HealthResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Liveness for load balancers and Docker on the public port. Dependency health is on the admin
 * port's {@code /healthcheck}, which is never exposed publicly.
 */
@Path("/health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {
    @GET
    public HealthResponse health() {
        return HealthResponse.OK;
    }
}
