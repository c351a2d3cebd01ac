package dev.oauthapi.resources;

import dev.oauthapi.api.LogoutRequest;
import dev.oauthapi.api.RefreshRequest;
import dev.oauthapi.api.SessionResponse.SessionsResponse;
import dev.oauthapi.api.TokensResponse;
import dev.oauthapi.auth.AuthenticatedUser;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.http.RateLimited;
import dev.oauthapi.sessions.RefreshRotation;
import dev.oauthapi.sessions.Sessions;
import io.dropwizard.auth.Auth;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import java.time.Clock;
import java.util.Locale;

/** Keeping a session going (refresh), ending sessions (logout, one device), and the device list. */
@Path("/api/auth")
@Produces(MediaType.APPLICATION_JSON)
public final class SessionsResource {
    private final RefreshRotation rotation;
    private final Sessions sessions;
    private final Clock clock;

    public SessionsResource(RefreshRotation rotation, Sessions sessions, Clock clock) {
        this.rotation = rotation;
        this.sessions = sessions;
        this.clock = clock;
    }

    @POST
    @Path("/refresh")
    @Consumes(MediaType.APPLICATION_JSON)
    @RateLimited(RateLimited.Bucket.AUTH)
    public TokensResponse refresh(@NotNull @Valid RefreshRequest request, @Context HttpServletRequest http) {
        final RefreshRotation.Refreshed refreshed = rotation.refresh(request.refreshToken(), ClientContext.address(http),
                ClientContext.appCheck(http), ClientContext.dpop(http));
        return TokensResponse.of(refreshed.accessToken().token(), refreshed.accessToken().type(),
                refreshed.accessToken().expiresAt(),
                refreshed.refreshToken(), refreshed.refreshExpiresAt(), clock.instant());
    }

    @POST
    @Path("/logout")
    @Consumes(MediaType.APPLICATION_JSON)
    public void logout(@Auth AuthenticatedUser user, @Valid LogoutRequest request, @Context HttpServletRequest http) {
        final String scope = request == null || request.scope() == null ? "current" : request.scope();
        sessions.logout(user.userId(), user.sessionId(), Sessions.Scope.valueOf(scope.toUpperCase(Locale.ROOT)),
                ClientContext.address(http));
    }

    /**
     * {@code POST /api/auth/logout} with no body at all: the current session. A body that is not
     * JSON is refused rather than ignored: the app meant something by it.
     */
    @POST
    @Path("/logout")
    public void logoutWithoutBody(@Auth AuthenticatedUser user, @Context HttpServletRequest http) {
        if (http.getContentLengthLong() > 0 || http.getHeader("Transfer-Encoding") != null) {
            throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the request body as application/json, or none.");
        }
        logout(user, null, http);
    }

    @GET
    @Path("/sessions")
    public SessionsResponse list(@Auth AuthenticatedUser user) {
        return new SessionsResponse(sessions.live(user.userId()).stream()
                .map(session -> Wire.session(session, user.sessionId()))
                .toList());
    }

    @DELETE
    @Path("/sessions/{id}")
    public void revoke(@Auth AuthenticatedUser user, @PathParam("id") String id, @Context HttpServletRequest http) {
        sessions.revoke(user.userId(), PathIds.parse(id, "There is no such session."), user.userId(),
                ClientContext.address(http));
    }
}
