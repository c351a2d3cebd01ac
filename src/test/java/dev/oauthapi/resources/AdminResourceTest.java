package dev.oauthapi.resources;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oauthapi.admin.AdminUsers;
import dev.oauthapi.admin.AuditEvent;
import dev.oauthapi.admin.AuditTrail;
import dev.oauthapi.admin.Page;
import dev.oauthapi.admin.UsageStats;
import dev.oauthapi.auth.AuthenticatedUser;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.sessions.Sessions;
import dev.oauthapi.admin.Actor;
import dev.oauthapi.users.LinkedIdentity;
import dev.oauthapi.users.UserProfile;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestResources;
import dev.oauthapi.testing.TestHttp.Answer;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.WebTarget;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/**
 * The admin API at resource speed: the real Bearer filter, role authorizer, rate-limit-free
 * problem mappers and JSON settings around {@link AdminResource}, with the services faked and a
 * token standing for a principal with a role. Every 401, 403, 404, 409 and validation case, and
 * the wire shape of every answer; what the services decide is tested on the real service
 * ({@code AdminTest}).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AdminResourceTest {
    static final UUID ADMIN = UUID.fromString("0190a000-0000-7000-8000-00000000000a");
    static final UUID ADMIN_SESSION = UUID.fromString("0190a000-0000-7000-8000-0000000000a5");
    static final UUID SUPERADMIN = UUID.fromString("0190a000-0000-7000-8000-00000000000b");
    static final UUID USER = UUID.fromString("0190a000-0000-7000-8000-00000000000c");
    static final Map<String, AuthenticatedUser> TOKENS = Map.of(
            "user-token", new AuthenticatedUser(USER, UUID.randomUUID(), "user"),
            "admin-token", new AuthenticatedUser(ADMIN, ADMIN_SESSION, "admin"),
            "superadmin-token", new AuthenticatedUser(SUPERADMIN, UUID.randomUUID(), "superadmin"));
    static final Instant CREATED = Instant.parse("2026-11-25T20:52:08.123456Z");

    static final AdminUsers USERS = mock(AdminUsers.class);
    static final AuditTrail AUDIT = mock(AuditTrail.class);
    static final UsageStats STATS = mock(UsageStats.class);

    static final ResourceExtension RESOURCES = TestResources.builder(TOKENS)
            .addResource(new AdminResource(USERS, AUDIT, STATS))
            .build();

    /** One request of each admin operation: method, path, body (null for none). */
    record Operation(String method, String path, String body) {
    }

    static final String SOME_ID = UUID.randomUUID().toString();
    static final List<Operation> OPERATIONS = List.of(
            new Operation("GET", "/api/admin/users", null),
            new Operation("GET", "/api/admin/users/" + SOME_ID, null),
            new Operation("PATCH", "/api/admin/users/" + SOME_ID, "{\"disabled\":true}"),
            new Operation("DELETE", "/api/admin/users/" + SOME_ID, null),
            new Operation("GET", "/api/admin/users/" + SOME_ID + "/sessions", null),
            new Operation("DELETE", "/api/admin/users/" + SOME_ID + "/sessions", null),
            new Operation("DELETE", "/api/admin/users/" + SOME_ID + "/sessions/" + UUID.randomUUID(), null),
            new Operation("GET", "/api/admin/audit", null),
            new Operation("GET", "/api/admin/stats", null));

    @BeforeEach
    void freshFakes() {
        reset(USERS, AUDIT, STATS);
    }

    /** Over real HTTP (the JDK client), since Jersey's own client cannot send PATCH on this JDK. */
    private static Answer send(Operation operation, String token) {
        return send(operation.method(), RESOURCES.target(operation.path()).getUri(), operation.body(), token);
    }

    private static Answer send(String method, URI uri, String body, String token) {
        // HTTP/1.1 without the h2c upgrade offer, which Grizzly mishandles on requests with a body.
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .version(java.net.http.HttpClient.Version.HTTP_1_1);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return new TestHttp(uri.getPort()).send(request);
    }

    private static Answer get(String path, Map<String, String> query, String token) {
        WebTarget target = RESOURCES.target(path);
        for (Map.Entry<String, String> parameter : query.entrySet()) {
            target = target.queryParam(parameter.getKey(), parameter.getValue());
        }
        return send("GET", target.getUri(), null, token);
    }

    private static JsonNode problem(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(answer.code()).isEqualTo(code);
        return answer.json();
    }

    private static AdminUsers.Account account(UUID id, String role) {
        return new AdminUsers.Account(new UserProfile(id, "ada@example.com", true, "Ada", null, role, CREATED,
                List.of(new LinkedIdentity("apple", "ada@example.com", false, CREATED)), 0, false),
                null, CREATED.plusSeconds(60), 2, List.of());
    }

    @Test
    void withoutATokenEveryOperationIsA401() {
        for (Operation operation : OPERATIONS) {
            final Answer answer = send(operation, null);

            problem(answer, 401, "invalid_token");
            assertThat(answer.header("WWW-Authenticate")).as(operation.toString())
                    .isEqualTo("Bearer error=\"invalid_token\"");
        }
        verifyNoInteractions(USERS, AUDIT, STATS);
    }

    @Test
    void theRoleUserIsRefusedEveryOperationWithA403NamingTheRolesAndNothingRuns() {
        for (Operation operation : OPERATIONS) {
            final Answer answer = send(operation, "user-token");

            assertThat(problem(answer, 403, "forbidden").path("detail").asText()).as(operation.toString())
                    .isEqualTo("This needs the role admin or superadmin.");
            assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        }
        verifyNoInteractions(USERS, AUDIT, STATS);
    }

    @Test
    void theUserListPassesEveryFilterAndAnswersAdminUsersWithTheirCursor() {
        when(USERS.search(any(), any(), anyInt())).thenReturn(new Page<>(List.of(account(USER, "user")), "next-page"));

        final Answer answer = get("/api/admin/users", Map.of("q", "Ad", "role", "user", "provider", "apple",
                "disabled", "false", "anonymous", "true", "cursor", "the-cursor", "limit", "20"), "admin-token");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        verify(USERS).search(new AdminUsers.Filter("Ad", "user", "apple", false, true), "the-cursor", 20);
        final JsonNode body = answer.json();
        assertThat(body.path("nextCursor").asText()).isEqualTo("next-page");
        final JsonNode user = body.path("users").path(0);
        assertThat(user.path("id").asText()).isEqualTo(USER.toString());
        assertThat(user.path("role").asText()).isEqualTo("user");
        assertThat(user.path("createdAt").asText()).isEqualTo("2026-11-25T20:52:08Z");
        assertThat(user.path("identities").path(0).path("provider").asText()).isEqualTo("apple");
        assertThat(user.has("disabledAt")).isTrue();
        assertThat(user.path("disabledAt").isNull()).isTrue();
        assertThat(user.path("lastSignInAt").asText()).isEqualTo("2026-11-25T20:53:08Z");
        assertThat(user.path("liveSessions").asInt()).isEqualTo(2);
        assertThat(user.has("user")).as("User's members are the AdminUser's own").isFalse();
    }

    @Test
    void withoutParametersTheListIsTheFirstPageOfFifty() {
        when(USERS.search(any(), any(), anyInt())).thenReturn(new Page<>(List.of(), null));

        final Answer answer = get("/api/admin/users", Map.of(), "superadmin-token");

        assertThat(answer.status()).isEqualTo(200);
        verify(USERS).search(new AdminUsers.Filter(null, null, null, null, null), null, 50);
        final JsonNode body = answer.json();
        assertThat(body.path("users").isEmpty()).isTrue();
        assertThat(body.has("nextCursor") && body.path("nextCursor").isNull()).isTrue();
    }

    @Test
    void badListParametersAreA400NamingTheParameterAndNothingRuns() {
        final Map<String, Map<String, String>> cases = Map.ofEntries(
                Map.entry("limit", Map.of("limit", "0")),
                Map.entry("limit ", Map.of("limit", "201")),
                Map.entry(" limit", Map.of("limit", "fifty")),
                Map.entry("role", Map.of("role", "root")),
                Map.entry("provider", Map.of("provider", "facebook")),
                Map.entry("disabled", Map.of("disabled", "yes")),
                Map.entry("q", Map.of("q", "a\u0000b")),
                Map.entry(" q", Map.of("q", "x".repeat(321))));
        for (Map.Entry<String, Map<String, String>> c : cases.entrySet()) {
            final Answer answer = get("/api/admin/users", c.getValue(), "admin-token");

            assertThat(problem(answer, 400, "invalid_request").path("detail").asText()).as(c.getKey())
                    .startsWith(c.getKey().strip() + ": ");
        }
        final Map<String, Map<String, String>> auditCases = Map.of(
                "userId", Map.of("userId", "42"),
                "actorId", Map.of("actorId", "not-a-uuid"),
                "from", Map.of("from", "yesterday"),
                "to", Map.of("to", "2026-13-01T00:00:00Z"),
                " from", Map.of("from", "+294277-01-01T00:00:00Z"),
                "limit", Map.of("limit", "-1"));
        for (Map.Entry<String, Map<String, String>> c : auditCases.entrySet()) {
            final Answer answer = get("/api/admin/audit", c.getValue(), "admin-token");

            assertThat(problem(answer, 400, "invalid_request").path("detail").asText()).as(c.getKey())
                    .startsWith(c.getKey().strip() + ": ");
        }
        verifyNoInteractions(USERS, AUDIT, STATS);
    }

    @Test
    void aRefusalOfTheServiceIsAnsweredAsItsProblem() {
        when(USERS.search(any(), eq("forged"), anyInt()))
                .thenThrow(new ApiException(ErrorCode.INVALID_REQUEST, "cursor: not one this list gave out; start without it."));

        final Answer answer = get("/api/admin/users", Map.of("cursor", "forged"), "admin-token");

        assertThat(problem(answer, 400, "invalid_request").path("detail").asText()).startsWith("cursor: ");
    }

    @Test
    void oneUserIsTheAdminUserAndAnUnknownOrMalformedIdIsA404() {
        final UUID missing = UUID.randomUUID();
        when(USERS.find(USER)).thenReturn(account(USER, "admin"));
        when(USERS.find(missing)).thenThrow(new ApiException(ErrorCode.NOT_FOUND, "There is no such user."));

        final Answer found = get("/api/admin/users/" + USER, Map.of(), "admin-token");
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().path("role").asText()).isEqualTo("admin");

        problem(get("/api/admin/users/" + missing, Map.of(), "admin-token"), 404, "not_found");
        problem(get("/api/admin/users/not-a-uuid", Map.of(), "admin-token"), 404, "not_found");
    }

    @Test
    void anUpdateGoesToTheServiceWithTheActorAsOfThisRequest() {
        when(USERS.update(any(), any(), any(), any(), any())).thenReturn(account(USER, "user"));

        final Answer answer = send(new Operation("PATCH", "/api/admin/users/" + USER,
                "{\"role\":\"user\",\"disabled\":true}"), "admin-token");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("id").asText()).isEqualTo(USER.toString());
        verify(USERS).update(eq(Actor.signedIn(ADMIN, "admin")), eq(USER), eq("user"), eq(true), isNull());
    }

    @Test
    void badUpdateBodiesAreA400AndNothingRuns() {
        for (String body : List.of("{\"role\":\"root\"}", "{\"disabled\":\"yes\"}", "{\"role\":7}", "[]", "null",
                "{\"role\":", "{\"role\":\"user\",\"role\":\"admin\"}")) {
            final Answer answer = send(new Operation("PATCH", "/api/admin/users/" + USER, body), "superadmin-token");

            assertThat(answer.status()).as(body).isEqualTo(400);
            assertThat(answer.json().path("code").asText()).as(body).isEqualTo("invalid_request");
        }
        verifyNoInteractions(USERS);
    }

    @Test
    void theServicesRefusalsOfAnUpdateAreTheirProblems() {
        when(USERS.update(any(), eq(USER), eq("admin"), any(), any()))
                .thenThrow(new ApiException(ErrorCode.FORBIDDEN, "This needs the role superadmin."));
        when(USERS.update(any(), eq(SUPERADMIN), eq("user"), any(), any()))
                .thenThrow(new ApiException(ErrorCode.LAST_SUPERADMIN, "This is the last superadmin; make another one first."));

        assertThat(problem(send(new Operation("PATCH", "/api/admin/users/" + USER, "{\"role\":\"admin\"}"), "admin-token"),
                403, "forbidden").path("detail").asText()).isEqualTo("This needs the role superadmin.");
        problem(send(new Operation("PATCH", "/api/admin/users/" + SUPERADMIN, "{\"role\":\"user\"}"), "superadmin-token"),
                409, "last_superadmin");
    }

    @Test
    void deletingAndEndingSessionsAnswer204AndPassTheActor() {
        final UUID session = UUID.randomUUID();

        assertThat(send(new Operation("DELETE", "/api/admin/users/" + USER, null), "admin-token").status())
                .isEqualTo(204);
        assertThat(send(new Operation("DELETE", "/api/admin/users/" + USER + "/sessions", null), "admin-token")
                .status()).isEqualTo(204);
        assertThat(send(new Operation("DELETE", "/api/admin/users/" + USER + "/sessions/" + session, null), "admin-token")
                .status()).isEqualTo(204);

        final Actor admin = Actor.signedIn(ADMIN, "admin");
        verify(USERS).delete(eq(admin), eq(USER), isNull());
        verify(USERS).endSessions(eq(admin), eq(USER), isNull());
        verify(USERS).endSession(eq(admin), eq(USER), eq(session), isNull());
    }

    @Test
    void deletingASuperadminAsAnAdminIsTheServicesForbidden() {
        doThrow(new ApiException(ErrorCode.FORBIDDEN, "An admin cannot delete a superadmin."))
                .when(USERS).delete(any(), eq(SUPERADMIN), any());

        problem(send(new Operation("DELETE", "/api/admin/users/" + SUPERADMIN, null), "admin-token"), 403, "forbidden");
        problem(send(new Operation("DELETE", "/api/admin/users/" + USER + "/sessions/nope", null), "admin-token"),
                404, "not_found");
    }

    @Test
    void aUsersSessionsMarkTheAdminsOwnAsCurrent() {
        final Instant at = Instant.parse("2026-11-30T10:00:00Z");
        when(USERS.sessions(ADMIN)).thenReturn(List.of(
                new Sessions.DeviceSession(ADMIN_SESSION, "google", "ios", "iPhone", "1.0", "192.0.2.1", "app", at, at,
                        at.plusSeconds(3600)),
                new Sessions.DeviceSession(UUID.randomUUID(), "apple", null, null, null, null, null, at, at, at)));

        final JsonNode sessions = get("/api/admin/users/" + ADMIN + "/sessions", Map.of(), "admin-token")
                .json().path("sessions");

        assertThat(sessions).hasSize(2);
        assertThat(sessions.path(0).path("current").asBoolean()).isTrue();
        assertThat(sessions.path(1).path("current").asBoolean()).isFalse();
        assertThat(sessions.path(0).path("deviceName").asText()).isEqualTo("iPhone");
    }

    @Test
    void auditEventsCarryTheirDetailsAsAnObject() {
        final UUID actor = UUID.randomUUID();
        when(AUDIT.page(any(), any(), anyInt())).thenReturn(new Page<>(List.of(new AuditEvent(42, CREATED, "role_changed",
                USER, actor, null, "192.0.2.7", "req-1", "{\"role\": \"admin\", \"previousRole\": \"user\"}")), null));

        final Answer answer = get("/api/admin/audit", Map.of("userId", USER.toString(), "action", "role_changed",
                "from", "2026-11-01T00:00:00Z", "to", "2026-12-01T00:00:00Z", "limit", "200"), "admin-token");

        assertThat(answer.status()).isEqualTo(200);
        verify(AUDIT).page(new AuditTrail.Filter(USER, null, "role_changed", Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2026-12-01T00:00:00Z")), null, 200);
        final JsonNode event = answer.json().path("events").path(0);
        assertThat(event.path("id").asText()).isEqualTo("42");
        assertThat(event.path("action").asText()).isEqualTo("role_changed");
        assertThat(event.path("actorId").asText()).isEqualTo(actor.toString());
        assertThat(event.path("sessionId").isNull()).isTrue();
        assertThat(event.path("details").path("previousRole").asText()).isEqualTo("user");
        assertThat(event.path("createdAt").asText()).isEqualTo("2026-11-25T20:52:08Z");
    }

    @Test
    void statsHaveTheContractsShape() {
        when(STATS.recent()).thenReturn(new UsageStats.Snapshot(10, 1, 2, Map.of("user", 8L, "admin", 1L, "superadmin", 1L),
                Map.of("google", 7L, "apple", 5L), 14, 3, 9));

        final JsonNode stats = get("/api/admin/stats", Map.of(), "admin-token").json();

        assertThat(stats.path("users").path("total").asLong()).isEqualTo(10);
        assertThat(stats.path("users").path("disabled").asLong()).isEqualTo(1);
        assertThat(stats.path("users").path("anonymous").asLong()).isEqualTo(2);
        assertThat(stats.path("users").path("byRole").path("superadmin").asLong()).isEqualTo(1);
        assertThat(stats.path("users").path("byProvider").path("apple").asLong()).isEqualTo(5);
        assertThat(stats.path("sessions").path("live").asLong()).isEqualTo(14);
        assertThat(stats.path("signIns").path("last24h").asLong()).isEqualTo(3);
        assertThat(stats.path("signIns").path("last7d").asLong()).isEqualTo(9);
    }
}
