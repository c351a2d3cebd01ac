package dev.oauthapi.resources;

import dev.oauthapi.api.UserResponse;
import dev.oauthapi.auth.AuthenticatedUser;
import dev.oauthapi.auth.BearerToken;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import dev.oauthapi.users.Profiles;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
public final class UsersResource {
    private final Profiles profiles;

    public UsersResource(Profiles profiles) {
        this.profiles = profiles;
    }

    @GET
    @Path("/me")
    public UserResponse me(@Auth AuthenticatedUser user, @Context ContainerRequestContext request) {
        return Wire.user(profiles.profile(user.userId(), BearerToken.userVersion(request)));
    }
}
