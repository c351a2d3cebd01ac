package dev.oauthapi.resources;

import dev.oauthapi.api.AppleNotificationRequest;
import dev.oauthapi.http.RateLimited;
import dev.oauthapi.signin.ProviderEvents;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/** Account events pushed by Apple and Google. Answered only after they are stored. */
@Path("/api/auth")
@Produces(MediaType.APPLICATION_JSON)
public final class ProviderEventsResource {
    private final ProviderEvents events;

    public ProviderEventsResource(ProviderEvents events) {
        this.events = events;
    }

    @POST
    @Path("/apple/notifications")
    @RateLimited(RateLimited.Bucket.EVENTS)
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, String> apple(@NotNull @Valid AppleNotificationRequest request) {
        events.apple(request.payload());
        return Map.of("status", "ok");
    }

    /** RFC 8935 push delivery: the body is the security event token itself; 202 once stored. */
    @POST
    @Path("/google/risc")
    @RateLimited(RateLimited.Bucket.EVENTS)
    @Consumes({"application/secevent+jwt", MediaType.TEXT_PLAIN, MediaType.APPLICATION_OCTET_STREAM})
    public Response google(String securityEventToken) {
        events.google(securityEventToken == null ? "" : securityEventToken.strip());
        return Response.accepted().build();
    }
}
