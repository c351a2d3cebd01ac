package dev.oauthapi.resources;

import dev.oauthapi.api.PasskeyCredential;
import dev.oauthapi.api.PasskeyOptionsRequest;
import dev.oauthapi.api.WebAuthnOptions;
import dev.oauthapi.auth.AuthenticatedUser;
import dev.oauthapi.http.RateLimited;
import dev.oauthapi.passkeys.Credential;
import dev.oauthapi.passkeys.Options;
import dev.oauthapi.passkeys.Passkey;
import dev.oauthapi.passkeys.Passkeys;
import io.dropwizard.auth.Auth;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Base64;
import java.util.List;

/**
 * Passkeys: the options of both ceremonies and registration while signed in. The sign-in itself is
 * {@code POST /api/auth/passkey} ({@link AuthResource}), the user's list under {@code /api/profile}.
 */
@Path("/api/auth/passkeys")
@Produces(MediaType.APPLICATION_JSON)
public final class PasskeysResource {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final Passkeys passkeys;

    public PasskeysResource(Passkeys passkeys) {
        this.passkeys = passkeys;
    }

    @POST
    @Path("/registration/options")
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
    @Path("/registration")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(@Auth AuthenticatedUser user, @NotNull @Valid PasskeyCredential.Registration request,
                             @Context HttpServletRequest http) {
        final Passkey passkey = passkeys.register(user.userId(), credential(request.credential()),
                request.name() == null ? null : request.name().strip(), ClientContext.address(http));
        return Response.status(Response.Status.CREATED).entity(Wire.passkey(passkey)).build();
    }

    @POST
    @Path("/authentication/options")
    @RateLimited(RateLimited.Bucket.AUTH)
    @Consumes(MediaType.WILDCARD)
    public WebAuthnOptions.Request authenticationOptions() {
        final Options.Request options = passkeys.authenticationOptions();
        return new WebAuthnOptions.Request(new WebAuthnOptions.RequestOptions(
                BASE64URL.encodeToString(options.challenge()), options.timeoutMillis(), options.rpId(), List.of(),
                "required"));
    }

    static Credential credential(PasskeyCredential credential) {
        final PasskeyCredential.Response response = credential.response();
        return new Credential(credential.rawId(), response.clientDataJSON(), response.attestationObject(),
                response.transports(), response.authenticatorData(), response.signature(), response.userHandle());
    }
}
