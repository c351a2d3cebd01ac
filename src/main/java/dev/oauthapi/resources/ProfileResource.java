package dev.oauthapi.resources;

import dev.oauthapi.api.PasskeyNameRequest;
import dev.oauthapi.api.PasskeyResponse;
import dev.oauthapi.api.PasskeysResponse;
import dev.oauthapi.api.ProfileUpdateRequest;
import dev.oauthapi.api.UserResponse;
import dev.oauthapi.auth.AuthenticatedUser;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.passkeys.Passkeys;
import dev.oauthapi.users.AccountDeletion;
import dev.oauthapi.users.Identities;
import dev.oauthapi.users.Profiles;
import io.dropwizard.auth.Auth;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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
    private final Passkeys passkeys;

    public ProfileResource(Profiles profiles, Identities identities, AccountDeletion deletion, Passkeys passkeys) {
        this.profiles = profiles;
        this.identities = identities;
        this.deletion = deletion;
        this.passkeys = passkeys;
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

    @GET
    @Path("/passkeys")
    public PasskeysResponse passkeys(@Auth AuthenticatedUser user) {
        return new PasskeysResponse(passkeys.list(user.userId()).stream().map(Wire::passkey).toList());
    }

    @PATCH
    @Path("/passkeys/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public PasskeyResponse renamePasskey(@Auth AuthenticatedUser user, @PathParam("id") String id,
                                         @NotNull @Valid PasskeyNameRequest request) {
        return Wire.passkey(passkeys.rename(user.userId(), passkeyId(id), request.name().strip()));
    }

    /** Deletes a passkey; the sessions signed in with it end. */
    @DELETE
    @Path("/passkeys/{id}")
    public void deletePasskey(@Auth AuthenticatedUser user, @PathParam("id") String id,
                              @Context HttpServletRequest http) {
        passkeys.delete(user.userId(), passkeyId(id), user.userId(), ClientContext.address(http));
    }

    private static java.util.UUID passkeyId(String id) {
        return PathIds.parse(id, "No such passkey.");
    }
}
