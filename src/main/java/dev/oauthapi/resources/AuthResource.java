package dev.oauthapi.resources;

import dev.oauthapi.api.AppleSignInRequest;
import dev.oauthapi.api.GoogleSignInRequest;
import dev.oauthapi.api.GuestRequests;
import dev.oauthapi.api.MergeResponse;
import dev.oauthapi.api.PasskeyCredential;
import dev.oauthapi.api.NonceResponse;
import dev.oauthapi.api.SignInResponse;
import dev.oauthapi.api.UserResponse;
import dev.oauthapi.auth.AuthenticatedUser;
import dev.oauthapi.http.RateLimited;
import dev.oauthapi.identity.Nonces;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.signin.GuestSignIn;
import dev.oauthapi.signin.PasskeySignIn;
import dev.oauthapi.signin.SignInService;
import io.dropwizard.auth.Auth;
import dev.oauthapi.users.SignInContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import java.time.Clock;

/** Sign-in with Google, Apple and passkeys, nonces, and linking another provider to a signed-in user. */
@Path("/api/auth")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class AuthResource {
    private final SignInService signIn;
    private final PasskeySignIn passkeySignIn;
    private final GuestSignIn guests;
    private final Clock clock;

    public AuthResource(SignInService signIn, PasskeySignIn passkeySignIn, GuestSignIn guests, Clock clock) {
        this.signIn = signIn;
        this.passkeySignIn = passkeySignIn;
        this.guests = guests;
        this.clock = clock;
    }

    @POST
    @Path("/nonce")
    @RateLimited(RateLimited.Bucket.AUTH)
    @Consumes(MediaType.WILDCARD)
    public NonceResponse nonce() {
        return new NonceResponse(signIn.issueNonce(), Nonces.TTL.toSeconds());
    }

    @POST
    @Path("/google")
    @RateLimited(RateLimited.Bucket.AUTH)
    public SignInResponse google(@NotNull @Valid GoogleSignInRequest request, @Context HttpServletRequest http) {
        return respond(signIn.signIn(Provider.GOOGLE, request.idToken(), request.nonce(), null, null,
                ClientContext.of(http, request.device())));
    }

    @POST
    @Path("/apple")
    @RateLimited(RateLimited.Bucket.AUTH)
    public SignInResponse apple(@NotNull @Valid AppleSignInRequest request, @Context HttpServletRequest http) {
        return respond(signIn.signIn(Provider.APPLE, request.identityToken(), request.nonce(),
                request.fullNameOrNull(), request.authorizationCode(), ClientContext.of(http, request.device())));
    }

    @POST
    @Path("/passkey")
    @RateLimited(RateLimited.Bucket.AUTH)
    public SignInResponse passkey(@NotNull @Valid PasskeyCredential.SignIn request, @Context HttpServletRequest http) {
        return respond(passkeySignIn.signIn(PasskeysResource.credential(request.credential()), request.clientId(),
                ClientContext.of(http, request.device())));
    }

    /** A guest account: signed in without signing up. The body is optional. */
    @POST
    @Path("/anonymous")
    @RateLimited(RateLimited.Bucket.ANONYMOUS)
    public SignInResponse anonymous(@Valid GuestRequests.SignUp request, @Context HttpServletRequest http) {
        return respond(guests.signUp(ClientContext.of(http, request == null ? null : request.device())));
    }

    /** The signed-in guest into the account its link conflicted with. */
    @POST
    @Path("/merge")
    public MergeResponse merge(@Auth AuthenticatedUser user, @NotNull @Valid GuestRequests.Merge request,
                               @Context HttpServletRequest http) {
        // A bound guest's proof was checked with its access token: the merged session takes that key.
        final SignInContext context = ClientContext.of(http, request.device());
        final GuestSignIn.Merged merged = guests.merge(user.userId(), request.mergeToken(),
                user.dpopJkt() != null ? context.boundTo(user.dpopJkt()) : context);
        final SignInResponse signedIn = respond(merged.signedIn());
        return new MergeResponse(signedIn.user(), signedIn.tokens(), merged.mergedFrom().toString());
    }

    @POST
    @Path("/link/google")
    public UserResponse linkGoogle(@Auth AuthenticatedUser user, @NotNull @Valid GoogleSignInRequest request,
                                   @Context HttpServletRequest http) {
        return Wire.user(signIn.link(user.userId(), Provider.GOOGLE, request.idToken(), request.nonce(), null,
                null, ClientContext.address(http)));
    }

    @POST
    @Path("/link/apple")
    public UserResponse linkApple(@Auth AuthenticatedUser user, @NotNull @Valid AppleSignInRequest request,
                                  @Context HttpServletRequest http) {
        return Wire.user(signIn.link(user.userId(), Provider.APPLE, request.identityToken(), request.nonce(),
                request.fullNameOrNull(), request.authorizationCode(), ClientContext.address(http)));
    }

    private SignInResponse respond(SignInService.Result result) {
        return Wire.signIn(result, clock);
    }
}
