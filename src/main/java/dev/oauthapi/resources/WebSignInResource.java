package dev.oauthapi.resources;

import dev.oauthapi.api.ExchangeRequest;
import dev.oauthapi.api.SignInResponse;
import dev.oauthapi.http.RateLimited;
import dev.oauthapi.signin.WebSignIn;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Clock;

/**
 * Sign-in through the browser: to the provider, back from it, and the app's exchange of its
 * one-time code (see {@link WebSignIn}). The redirects are built here, the decisions there.
 */
@Path("/api/auth")
@Produces(MediaType.APPLICATION_JSON)
public final class WebSignInResource {
    private final WebSignIn web;
    private final Clock clock;

    public WebSignInResource(WebSignIn web, Clock clock) {
        this.web = web;
        this.clock = clock;
    }

    @GET
    @Path("/{provider}/authorize")
    @RateLimited(RateLimited.Bucket.AUTH)
    public Response authorize(@PathParam("provider") String provider, @QueryParam("redirect_uri") String redirectUri,
                              @QueryParam("code_challenge") String codeChallenge,
                              @QueryParam("code_challenge_method") String codeChallengeMethod,
                              @QueryParam("state") String state) {
        return Response.status(Response.Status.FOUND)
                .location(web.authorize(provider, redirectUri, codeChallenge, codeChallengeMethod, state)).build();
    }

    @GET
    @Path("/google/callback")
    @RateLimited(RateLimited.Bucket.AUTH)
    public Response googleCallback(@QueryParam("code") String code, @QueryParam("state") String state,
                                   @QueryParam("error") String error) {
        return Response.status(Response.Status.FOUND).location(web.googleCallback(code, state, error)).build();
    }

    /** Apple's {@code response_mode=form_post}: a cross-site POST, answered 303 so the browser GETs the app. */
    @POST
    @Path("/apple/callback")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @RateLimited(RateLimited.Bucket.AUTH)
    public Response appleCallback(@FormParam("code") String code, @FormParam("id_token") String idToken,
                                  @FormParam("state") String state, @FormParam("user") String user,
                                  @FormParam("error") String error) {
        return Response.seeOther(web.appleCallback(code, idToken, state, user, error)).build();
    }

    @POST
    @Path("/exchange")
    @Consumes(MediaType.APPLICATION_JSON)
    @RateLimited(RateLimited.Bucket.AUTH)
    public SignInResponse exchange(@NotNull @Valid ExchangeRequest request, @Context HttpServletRequest http) {
        return Wire.signIn(web.exchange(request.code(), request.codeVerifier(),
                ClientContext.of(http, request.device())), clock);
    }
}
