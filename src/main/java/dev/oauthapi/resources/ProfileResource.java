package dev.oauthapi.resources;

import dev.oauthapi.api.ProfileUpdateRequest;
import dev.oauthapi.api.UserResponse;
import dev.oauthapi.auth.AuthenticatedUser;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.users.AccountDeletion;
import dev.oauthapi.users.Identities;
import dev.oauthapi.users.Profiles;
import io.dropwizard.auth.Auth;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

@Path("/api/profile")
@Produces(MediaType.APPLICATION_JSON)
public final class ProfileResource {
    private final Profiles profiles;
    private final Identities identities;
    private final AccountDeletion deletion;

    public ProfileResource(Profiles profiles, Identities identities, AccountDeletion deletion) {
        this.profiles = profiles;
        this.identities = identities;
        this.deletion = deletion;
    }

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    public UserResponse update(@Auth AuthenticatedUser user, @NotNull @Valid ProfileUpdateRequest request) {
        return Wire.user(profiles.update(user.userId(),
                request.name() == null ? null : request.name().strip(), request.avatarUrl()));
    }

    /** Deletes the account, its identities and sessions; every token of it stops working at once. */
    @DELETE
    public void delete(@Auth AuthenticatedUser user, @Context HttpServletRequest http) {
        deletion.deleteOwn(user.userId(), ClientContext.address(http));
    }

    @DELETE
    @Path("/identities/{provider}")
    public UserResponse unlink(@Auth AuthenticatedUser user, @PathParam("provider") String provider,
                               @Context HttpServletRequest http) {
        final Provider which = Provider.fromWireName(provider).orElseThrow(() ->
                new ApiException(ErrorCode.NOT_FOUND, "Unknown provider; use google or apple."));
        return Wire.user(identities.unlink(user.userId(), which, ClientContext.address(http)));
    }
}
