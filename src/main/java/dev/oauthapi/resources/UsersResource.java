package dev.oauthapi.resources;

import dev.oauthapi.api.UserResponse;
import dev.oauthapi.auth.AuthenticatedUser;
import dev.oauthapi.users.Accounts;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

@Path("/api/users")
@Produces(MediaType.APPLICATION_JSON)
public final class UsersResource {
    private final Accounts accounts;

    public UsersResource(Accounts accounts) {
        this.accounts = accounts;
    }

    @GET
    @Path("/me")
    public UserResponse me(@Auth AuthenticatedUser user) {
        return Wire.user(accounts.profile(user.userId(), user.userVersion()));
    }
}
