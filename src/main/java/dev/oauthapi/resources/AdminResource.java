package dev.oauthapi.resources;

import dev.oauthapi.admin.AdminUsers;
import dev.oauthapi.admin.AuditEvent;
import dev.oauthapi.admin.AuditTrail;
import dev.oauthapi.admin.Page;
import dev.oauthapi.admin.UsageStats;
import dev.oauthapi.api.AdminUserResponse;
import dev.oauthapi.api.AdminUserResponse.AdminUsersResponse;
import dev.oauthapi.api.AdminUserUpdateRequest;
import dev.oauthapi.api.AuditEventResponse.AuditEventsResponse;
import dev.oauthapi.api.SessionResponse.SessionsResponse;
import dev.oauthapi.api.StatsResponse;
import dev.oauthapi.auth.AuthenticatedUser;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.admin.Actor;
import dev.oauthapi.tokens.Roles;
import io.dropwizard.auth.Auth;
import jakarta.annotation.security.RolesAllowed;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import java.util.Arrays;
import java.util.UUID;

/**
 * The admin API, for the roles {@code admin} and {@code superadmin} as of this request (the session
 * check reads the role; the access token's claim is not trusted alone). What only a superadmin may
 * do, and what nobody may do to themselves, is decided with the account locked, in the services.
 */
@Path("/api/admin")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.SUPERADMIN})
public final class AdminResource {
    private final AdminUsers users;
    private final AuditTrail audit;
    private final UsageStats stats;

    public AdminResource(AdminUsers users, AuditTrail audit, UsageStats stats) {
        this.users = users;
        this.audit = audit;
        this.stats = stats;
    }

    @GET
    @Path("/users")
    public AdminUsersResponse search(@Auth AuthenticatedUser admin, @QueryParam("q") String q,
                                     @QueryParam("role") String role, @QueryParam("provider") String provider,
                                     @QueryParam("disabled") String disabled,
                                     @QueryParam("anonymous") String anonymous, @QueryParam("cursor") String cursor,
                                     @QueryParam("limit") String limit) {
        final Page<AdminUsers.Account> page = users.search(new AdminUsers.Filter(QueryParams.text("q", q),
                        QueryParams.oneOf("role", role, Roles.ALL),
                        QueryParams.oneOf("provider", provider, Arrays.stream(Provider.values()).map(Provider::wireName).toList()),
                        QueryParams.bool("disabled", disabled), QueryParams.bool("anonymous", anonymous)),
                cursor, QueryParams.limit(limit));
        return new AdminUsersResponse(page.items().stream().map(Wire::adminUser).toList(), page.nextCursor());
    }

    @GET
    @Path("/users/{id}")
    public AdminUserResponse get(@Auth AuthenticatedUser admin, @PathParam("id") String id) {
        return Wire.adminUser(users.find(userId(id)));
    }

    @PATCH
    @Path("/users/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public AdminUserResponse update(@Auth AuthenticatedUser admin, @PathParam("id") String id,
                                    @NotNull @Valid AdminUserUpdateRequest request, @Context HttpServletRequest http) {
        return Wire.adminUser(users.update(actor(admin), userId(id), request.role(), request.disabled(),
                ClientContext.address(http)));
    }

    @DELETE
    @Path("/users/{id}")
    public void delete(@Auth AuthenticatedUser admin, @PathParam("id") String id, @Context HttpServletRequest http) {
        users.delete(actor(admin), userId(id), ClientContext.address(http));
    }

    @GET
    @Path("/users/{id}/sessions")
    public SessionsResponse sessions(@Auth AuthenticatedUser admin, @PathParam("id") String id) {
        return new SessionsResponse(users.sessions(userId(id)).stream()
                .map(session -> Wire.session(session, admin.sessionId()))
                .toList());
    }

    @DELETE
    @Path("/users/{id}/sessions")
    public void endSessions(@Auth AuthenticatedUser admin, @PathParam("id") String id, @Context HttpServletRequest http) {
        users.endSessions(actor(admin), userId(id), ClientContext.address(http));
    }

    @DELETE
    @Path("/users/{id}/sessions/{sid}")
    public void endSession(@Auth AuthenticatedUser admin, @PathParam("id") String id, @PathParam("sid") String sid,
                           @Context HttpServletRequest http) {
        users.endSession(actor(admin), userId(id), sessionId(sid), ClientContext.address(http));
    }

    @DELETE
    @Path("/users/{id}/passkeys/{pid}")
    public void deletePasskey(@Auth AuthenticatedUser admin, @PathParam("id") String id, @PathParam("pid") String pid,
                              @Context HttpServletRequest http) {
        users.deletePasskey(actor(admin), userId(id), PathIds.parse(pid, "No such passkey."), ClientContext.address(http));
    }

    @DELETE
    @Path("/app-attest-keys/{keyId}")
    public void revokeAppAttestKey(@Auth AuthenticatedUser admin, @PathParam("keyId") String keyId,
                                   @Context HttpServletRequest http) {
        users.revokeAppAttestKey(actor(admin), PathIds.appAttestKey(keyId), ClientContext.address(http));
    }

    @GET
    @Path("/audit")
    public AuditEventsResponse audit(@Auth AuthenticatedUser admin, @QueryParam("userId") String userId,
                                     @QueryParam("actorId") String actorId, @QueryParam("action") String action,
                                     @QueryParam("from") String from, @QueryParam("to") String to,
                                     @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
        final Page<AuditEvent> page = audit.page(new AuditTrail.Filter(QueryParams.uuid("userId", userId),
                        QueryParams.uuid("actorId", actorId), QueryParams.text("action", action),
                        QueryParams.instant("from", from), QueryParams.instant("to", to)),
                cursor, QueryParams.limit(limit));
        return new AuditEventsResponse(page.items().stream().map(Wire::auditEvent).toList(), page.nextCursor());
    }

    @GET
    @Path("/stats")
    public StatsResponse stats(@Auth AuthenticatedUser admin) {
        return Wire.stats(stats.recent());
    }

    private static Actor actor(AuthenticatedUser admin) {
        return Actor.signedIn(admin.userId(), admin.role());
    }

    /** An id that is not a UUID names no user: "not found", like a UUID that names none. */
    private static UUID userId(String id) {
        return PathIds.parse(id, "There is no such user.");
    }

    private static UUID sessionId(String id) {
        return PathIds.parse(id, "There is no such session.");
    }
}
