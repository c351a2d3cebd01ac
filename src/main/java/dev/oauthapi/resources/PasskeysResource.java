package dev.oauthapi.resources;

import dev.oauthapi.api.PasskeyCredential;
import dev.oauthapi.api.PasskeyNameRequest;
import dev.oauthapi.api.PasskeyOptionsRequest;
import dev.oauthapi.api.PasskeyResponse;
import dev.oauthapi.api.PasskeysResponse;
import dev.oauthapi.api.SignInResponse;
import dev.oauthapi.api.WebAuthnOptions;
import dev.oauthapi.api.WireTime;
import dev.oauthapi.auth.AuthenticatedUser;
import dev.oauthapi.http.RateLimited;
import dev.oauthapi.passkeys.Credential;
import dev.oauthapi.passkeys.Options;
import dev.oauthapi.passkeys.Passkey;
import dev.oauthapi.passkeys.Passkeys;
import dev.oauthapi.signin.PasskeySignIn;
import io.dropwizard.auth.Auth;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Clock;
import java.util.Base64;
import java.util.List;

/** Passkeys: registration while signed in, sign-in with one, and the user's own list. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public final class PasskeysResource {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final Passkeys passkeys;
    private final PasskeySignIn signIn;
    private final Clock clock;

    public PasskeysResource(Passkeys passkeys, PasskeySignIn signIn, Clock clock) {
        this.passkeys = passkeys;
        this.signIn = signIn;
        this.clock = clock;
    }

    @POST
    @Path("/auth/passkeys/registration/options")
    @Consumes(MediaType.APPLICATION_JSON)
    public WebAuthnOptions.Creation registrationOptions(@Auth AuthenticatedUser user,
                                                        @Valid PasskeyOptionsRequest request) {
        final Options.Creation options = passkeys.registrationOptions(user.userId(),
                request == null ? null : request.name());
        return new WebAuthnOptions.Creation(new WebAuthnOptions.CreationOptions(
                new WebAuthnOptions.Rp(options.rpId(), options.rpName()),
                new WebAuthnOptions.User(BASE64URL.encodeToString(options.userHandle()), options.accountName(),
                        options.displayName()),
                BASE64URL.encodeToString(options.challenge()),
                options.algorithms().stream().map(alg -> new WebAuthnOptions.Parameters("public-key", alg)).toList(),
                options.timeoutMillis(),
                options.exclude().stream().map(existing -> new WebAuthnOptions.Descriptor("public-key",
                        BASE64URL.encodeToString(existing.credentialId()), existing.transports())).toList(),
                new WebAuthnOptions.Selection("required", true, "required"), "none"));
    }

    @POST
    @Path("/auth/passkeys/registration")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(@Auth AuthenticatedUser user, @NotNull @Valid PasskeyCredential.Registration request,
                             @Context HttpServletRequest http) {
        final Passkey passkey = passkeys.register(user.userId(), credential(request.credential()),
                request.name() == null ? null : request.name().strip(), ClientContext.address(http));
        return Response.status(Response.Status.CREATED).entity(passkey(passkey)).build();
    }

    @POST
    @Path("/auth/passkeys/authentication/options")
    @RateLimited(RateLimited.Bucket.AUTH)
    @Consumes(MediaType.WILDCARD)
    public WebAuthnOptions.Request authenticationOptions() {
        final Options.Request options = passkeys.authenticationOptions();
        return new WebAuthnOptions.Request(new WebAuthnOptions.RequestOptions(
                BASE64URL.encodeToString(options.challenge()), options.timeoutMillis(), options.rpId(), List.of(),
                "required"));
    }

    @POST
    @Path("/auth/passkey")
    @RateLimited(RateLimited.Bucket.AUTH)
    @Consumes(MediaType.APPLICATION_JSON)
    public SignInResponse signIn(@NotNull @Valid PasskeyCredential.SignIn request, @Context HttpServletRequest http) {
        return Wire.signIn(signIn.signIn(credential(request.credential()), request.clientId(),
                ClientContext.of(http, request.device())), clock);
    }

    @GET
    @Path("/profile/passkeys")
    public PasskeysResponse list(@Auth AuthenticatedUser user) {
        return new PasskeysResponse(passkeys.list(user.userId()).stream().map(PasskeysResource::passkey).toList());
    }

    @PATCH
    @Path("/profile/passkeys/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public PasskeyResponse rename(@Auth AuthenticatedUser user, @PathParam("id") String id,
                                  @NotNull @Valid PasskeyNameRequest request) {
        return passkey(passkeys.rename(user.userId(), PathIds.parse(id, "No such passkey."), request.name().strip()));
    }

    @DELETE
    @Path("/profile/passkeys/{id}")
    public void delete(@Auth AuthenticatedUser user, @PathParam("id") String id, @Context HttpServletRequest http) {
        passkeys.delete(user.userId(), PathIds.parse(id, "No such passkey."), user.userId(), ClientContext.address(http));
    }

    static PasskeyResponse passkey(Passkey passkey) {
        return new PasskeyResponse(passkey.id().toString(), passkey.name(), WireTime.format(passkey.createdAt()),
                WireTime.format(passkey.lastUsedAt()), passkey.backedUp(), passkey.authenticator());
    }

    private static Credential credential(PasskeyCredential credential) {
        final PasskeyCredential.Response response = credential.response();
        return new Credential(credential.rawId(), response.clientDataJSON(), response.attestationObject(),
                response.transports(), response.authenticatorData(), response.signature(), response.userHandle());
    }
}
