package dev.oauthapi.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.OAuthApiApplication;
import dev.oauthapi.admin.UsageStats;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.MutableClock;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API on the real service, two instances on one PostgreSQL and one Redis: who may do
 * what, that each change bites on the user's next request on both instances with the tokens they
 * already hold, what each leaves behind in the rows and the audit log, and paging across pages.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AdminTest {
    static final String APPLE_APP = "com.example.admin";
    static final String GOOGLE_APP = "admin.apps.googleusercontent.com";
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final Map<String, String> ENV = TestEnvironment.withProviders(GOOGLE, GOOGLE_APP, APPLE, APPLE_APP);
    static final DropwizardAppExtension<OAuthApiConfiguration> A = TestApp.extension(ENV);
    /** A third instance on a clock of the test's, for what depends on time passing (the stats' cache). */
    static final MutableClock CLOCK = MutableClock.startingNow();
    static final DropwizardAppExtension<OAuthApiConfiguration> TIMED =
            TestApp.extension(ENV, environment -> new OAuthApiApplication(environment, CLOCK));
    static final DropwizardAppExtension<OAuthApiConfiguration> B = TestApp.extension(ENV);
    static final TestDatabase DB = new TestDatabase(ENV);

    @AfterAll
    static void stopProviders() {
        GOOGLE.close();
        APPLE.close();
    }

    record User(String id, String email, String subject, String accessToken, String refreshToken) {
    }

    private static TestHttp a() {
        return new TestHttp(A.getLocalPort());
    }

    private static TestHttp timed() {
        return new TestHttp(TIMED.getLocalPort());
    }

    private static TestHttp b() {
        return new TestHttp(B.getLocalPort());
    }

    private static User signIn(String name) {
        final String subject = "001." + UUID.randomUUID();
        final String email = name.toLowerCase() + "-" + UUID.randomUUID() + "@example.com";
        final Answer answer = a().post("/api/auth/apple", Map.of("identityToken",
                APPLE.token(APPLE_APP, subject).email(email, "true").build(),
                "fullName", Map.of("givenName", name)));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return new User(answer.json().path("user").path("id").asText(), email, subject,
                answer.json().path("tokens").path("accessToken").asText(),
                answer.json().path("tokens").path("refreshToken").asText());
    }

    private static Answer signInAgain(User user) {
        return a().post("/api/auth/apple", Map.of("identityToken",
                APPLE.token(APPLE_APP, user.subject()).email(user.email(), "true")
                        .claim("jti", UUID.randomUUID().toString()).build())); // not a replay of the first
    }

    /** A user with a role, set the way an operator does it; their token is signed before the change. */
    private static User withRole(String name, String role) {
        final User user = signIn(name);
        final TestApp.CommandResult promoted = TestApp.run(ENV, "users", "promote", "--id", user.id(), "--role", role,
                TestApp.CONFIG);
        assertThat(promoted.succeeded()).as(promoted.stderr()).isTrue();
        return user;
    }

    private static String query(Map<String, String> parameters) {
        final List<String> pairs = new ArrayList<>();
        parameters.forEach((name, value) -> pairs.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return pairs.isEmpty() ? "" : "?" + String.join("&", pairs);
    }

    private static int me(TestHttp instance, User user) {
        return instance.get("/api/users/me", user.accessToken()).status();
    }

    private static Map<String, Object> lastAudit(String event, String userId) {
        return DB.one("SELECT actor_id::text AS actor, details::text AS details FROM audit_log"
                + " WHERE event = ? AND user_id = ?::uuid ORDER BY id DESC LIMIT 1", event, userId);
    }

    @Test
    void rolesAreEnforcedOnEveryInstanceAndADemotionBitesOnTheNextRequest() {
        final User user = signIn("Plain");
        final User admin = withRole("Admin", "admin");
        final User superadmin = withRole("Super", "superadmin");

        assertThat(a().get("/api/admin/stats", user.accessToken()).code()).isEqualTo("forbidden");
        assertThat(a().get("/api/admin/stats", admin.accessToken()).status()).isEqualTo(200);
        assertThat(b().get("/api/admin/stats", admin.accessToken()).status()).isEqualTo(200);

        final Answer demoted = a().patch("/api/admin/users/" + admin.id(), Map.of("role", "user"), superadmin.accessToken());

        assertThat(demoted.status()).as(demoted.toString()).isEqualTo(200);
        assertThat(demoted.json().path("role").asText()).isEqualTo("user");
        assertThat(a().get("/api/admin/stats", admin.accessToken()).code()).isEqualTo("forbidden");
        assertThat(b().get("/api/admin/stats", admin.accessToken()).code()).isEqualTo("forbidden");
        assertThat(lastAudit("role_changed", admin.id())).containsEntry("actor", superadmin.id());
    }

    @Test
    void roleChangesAreForASuperadminNeverOnTheirOwnAccount() {
        final User user = signIn("Target");
        final User admin = withRole("Admin", "admin");
        final User superadmin = withRole("Super", "superadmin");

        final Answer byAdmin = a().patch("/api/admin/users/" + user.id(), Map.of("role", "admin"), admin.accessToken());
        final Answer ownRole = a().patch("/api/admin/users/" + superadmin.id(), Map.of("role", "user"),
                superadmin.accessToken());
        final Answer ownRoleAdmin = a().patch("/api/admin/users/" + admin.id(), Map.of("role", "superadmin"),
                admin.accessToken());

        assertThat(byAdmin.code()).isEqualTo("forbidden");
        assertThat(byAdmin.json().path("detail").asText()).isEqualTo("This needs the role superadmin.");
        assertThat(ownRole.code()).isEqualTo("forbidden");
        assertThat(ownRoleAdmin.code()).isEqualTo("forbidden");
        assertThat(DB.one("SELECT role FROM users WHERE id = ?::uuid", user.id())).containsEntry("role", "user");
        assertThat(DB.one("SELECT role FROM users WHERE id = ?::uuid", superadmin.id())).containsEntry("role", "superadmin");

        final Answer promoted = a().patch("/api/admin/users/" + user.id(), Map.of("role", "admin"), superadmin.accessToken());
        assertThat(promoted.status()).isEqualTo(200);
        assertThat(b().get("/api/admin/stats", user.accessToken()).status()).as("the old token, the new role").isEqualTo(200);
    }

    @Test
    void theLastSuperadminIsNotDeletedThroughTheAdminApiButTheirOwnDeletionIsTheContracts() {
        DB.execute("UPDATE users SET role = 'user' WHERE role = 'superadmin'");
        final User only = withRole("Only", "superadmin");

        final Answer viaAdmin = a().delete("/api/admin/users/" + only.id(), only.accessToken());

        assertThat(viaAdmin.status()).isEqualTo(409);
        assertThat(viaAdmin.code()).isEqualTo("last_superadmin");
        assertThat(DB.one("SELECT count(*) AS n FROM users WHERE id = ?::uuid", only.id())).containsEntry("n", 1L);
        assertThat(me(a(), only)).isEqualTo(200);

        final User second = withRole("Second", "superadmin");
        assertThat(a().delete("/api/admin/users/" + only.id(), second.accessToken()).status()).isEqualTo(204);
        assertThat(me(b(), only)).isEqualTo(401);
        assertThat(a().delete("/api/profile", second.accessToken()).status())
                .as("DELETE /api/profile answers 204 or 401, as the contract says, even for the last superadmin")
                .isEqualTo(204);
    }

    @Test
    void anAdminCannotEnableOrSignOutASuperadmin() {
        final User admin = withRole("Admin", "admin");
        final User superadmin = withRole("Super", "superadmin");
        final User other = withRole("Other", "superadmin");
        assertThat(a().patch("/api/admin/users/" + other.id(), Map.of("disabled", true), superadmin.accessToken()).status())
                .isEqualTo(200);
        final User signedIn = withRole("SignedIn", "superadmin");

        final Answer enable = a().patch("/api/admin/users/" + other.id(), Map.of("disabled", false), admin.accessToken());
        final Answer all = a().delete("/api/admin/users/" + signedIn.id() + "/sessions", admin.accessToken());

        assertThat(enable.code()).isEqualTo("forbidden");
        assertThat(enable.json().path("detail").asText()).isEqualTo("An admin cannot enable a superadmin.");
        assertThat(all.code()).isEqualTo("forbidden");
        assertThat(me(b(), signedIn)).isEqualTo(200);
        assertThat(DB.one("SELECT disabled_at IS NOT NULL AS disabled FROM users WHERE id = ?::uuid", other.id()))
                .containsEntry("disabled", true);
        assertThat(a().patch("/api/admin/users/" + other.id(), Map.of("disabled", false), superadmin.accessToken())
                .status()).as("a superadmin may").isEqualTo(200);
    }

    @Test
    void disablingEndsEverySessionAtOnceOnEveryInstanceAndEnablingLetsThemSignInAgain() {
        final User user = signIn("Disabled");
        final User admin = withRole("Admin", "admin");
        assertThat(me(a(), user)).isEqualTo(200);
        assertThat(me(b(), user)).isEqualTo(200); // both instances hold "live" for a while

        final Answer disabled = a().patch("/api/admin/users/" + user.id(), Map.of("disabled", true), admin.accessToken());

        assertThat(disabled.status()).as(disabled.toString()).isEqualTo(200);
        assertThat(disabled.json().path("disabledAt").asText()).isNotEmpty();
        assertThat(disabled.json().path("liveSessions").asInt()).isZero();
        assertThat(me(a(), user)).isEqualTo(401);
        assertThat(me(b(), user)).isEqualTo(401);
        assertThat(a().post("/api/auth/refresh", Map.of("refreshToken", user.refreshToken())).code())
                .isEqualTo("session_revoked");
        assertThat(signInAgain(user).code()).isEqualTo("account_disabled");
        assertThat(lastAudit("account_disabled", user.id())).containsEntry("actor", admin.id());

        final Answer enabled = a().patch("/api/admin/users/" + user.id(), Map.of("disabled", false), admin.accessToken());

        assertThat(enabled.json().path("disabledAt").isNull()).isTrue();
        assertThat(signInAgain(user).status()).isEqualTo(200);
        assertThat(lastAudit("account_enabled", user.id())).containsEntry("actor", admin.id());
    }

    @Test
    void nobodyDisablesThemselvesAndAnAdminCannotDisableOrDeleteASuperadmin() {
        final User admin = withRole("Admin", "admin");
        final User superadmin = withRole("Super", "superadmin");
        final Map<String, Long> before = DB.counts();

        assertThat(a().patch("/api/admin/users/" + admin.id(), Map.of("disabled", true), admin.accessToken()).code())
                .isEqualTo("forbidden");
        assertThat(a().patch("/api/admin/users/" + superadmin.id(), Map.of("disabled", true), admin.accessToken()).code())
                .isEqualTo("forbidden");
        final Answer delete = a().delete("/api/admin/users/" + superadmin.id(), admin.accessToken());
        assertThat(delete.code()).isEqualTo("forbidden");
        assertThat(delete.json().path("detail").asText()).isEqualTo("An admin cannot delete a superadmin.");

        assertThat(DB.counts()).isEqualTo(before);
        assertThat(me(a(), admin)).isEqualTo(200);
        assertThat(me(a(), superadmin)).isEqualTo(200);
    }

    @Test
    void deletingAUserIsTheirOwnDeletionWithTheAdminAsTheActor() {
        final User user = signIn("Deleted");
        final User admin = withRole("Admin", "admin");
        assertThat(me(b(), user)).isEqualTo(200);

        assertThat(a().delete("/api/admin/users/" + user.id(), admin.accessToken()).status()).isEqualTo(204);

        assertThat(me(a(), user)).isEqualTo(401);
        assertThat(me(b(), user)).isEqualTo(401);
        assertThat(DB.one("SELECT (SELECT count(*) FROM users WHERE id = ?::uuid) + (SELECT count(*) FROM identities"
                + " WHERE user_id = ?::uuid) + (SELECT count(*) FROM sessions WHERE user_id = ?::uuid) AS n",
                user.id(), user.id(), user.id())).containsEntry("n", 0L);
        assertThat(lastAudit("account_deleted", user.id())).containsEntry("actor", admin.id());
        assertThat(a().get("/api/admin/users/" + user.id(), admin.accessToken()).code()).isEqualTo("not_found");
        assertThat(a().delete("/api/admin/users/" + user.id(), admin.accessToken()).code()).isEqualTo("not_found");
    }

    @Test
    void anAdminSeesAndEndsAUsersSessionsAndTheyAreRefusedAtOnceEverywhere() {
        final User user = signIn("Sessions");
        final Answer second = signInAgain(user);
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        final String secondToken = second.json().path("tokens").path("accessToken").asText();
        final User admin = withRole("Admin", "admin");

        final JsonNode sessions = a().get("/api/admin/users/" + user.id() + "/sessions", admin.accessToken())
                .json().path("sessions");
        assertThat(sessions).hasSize(2);
        assertThat(sessions.path(0).path("current").asBoolean()).isFalse();
        final String newest = sessions.path(0).path("id").asText();
        assertThat(b().get("/api/users/me", secondToken).status()).isEqualTo(200);

        assertThat(a().delete("/api/admin/users/" + user.id() + "/sessions/" + newest, admin.accessToken()).status())
                .isEqualTo(204);

        assertThat(b().get("/api/users/me", secondToken).status()).isEqualTo(401);
        assertThat(me(b(), user)).as("the other session").isEqualTo(200);
        assertThat(a().delete("/api/admin/users/" + user.id() + "/sessions/" + UUID.randomUUID(), admin.accessToken())
                .code()).isEqualTo("not_found");
        assertThat(a().delete("/api/admin/users/" + admin.id() + "/sessions/" + newest, admin.accessToken()).code())
                .as("a session of another user").isEqualTo("not_found");

        assertThat(a().delete("/api/admin/users/" + user.id() + "/sessions", admin.accessToken()).status()).isEqualTo(204);

        assertThat(me(b(), user)).isEqualTo(401);
        assertThat(a().get("/api/admin/users/" + user.id() + "/sessions", admin.accessToken()).json().path("sessions"))
                .isEmpty();
        assertThat(lastAudit("session_revoked", user.id())).containsEntry("actor", admin.id());
        assertThat(a().delete("/api/admin/users/" + UUID.randomUUID() + "/sessions", admin.accessToken()).code())
                .isEqualTo("not_found");
        assertThat(a().get("/api/admin/users/" + UUID.randomUUID() + "/sessions", admin.accessToken()).code())
                .isEqualTo("not_found");
    }

    @Test
    void theUserListPagesWithoutGapsOrRepeatsWhileUsersAreCreated() {
        final User admin = withRole("Admin", "admin");
        final String family = "Pager" + UUID.randomUUID().toString().substring(0, 8);
        final List<String> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(0, signIn(family + i).id()); // newest first
        }

        final List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            final Map<String, String> parameters = new HashMap<>(Map.of("q", family.toLowerCase(), "limit", "3"));
            if (cursor != null) {
                parameters.put("cursor", cursor);
            }
            final Answer page = a().get("/api/admin/users" + query(parameters), admin.accessToken());
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            assertThat(page.header("Cache-Control")).isEqualTo("no-store");
            assertThat(page.header("RateLimit-Limit")).as("the per-user limit applies").isNotNull();
            page.json().path("users").forEach(user -> seen.add(user.path("id").asText()));
            cursor = page.json().path("nextCursor").isNull() ? null : page.json().path("nextCursor").asText();
            if (pages == 0) {
                signIn(family + "Late"); // newer than every page: it shifts none of them
            }
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).isEqualTo(created);
    }

    @Test
    void theListFiltersByRoleProviderAndDisabledState() {
        final User admin = withRole("Admin", "admin");
        final String family = "Filter" + UUID.randomUUID().toString().substring(0, 8);
        final User apple = signIn(family + "Apple");
        final Answer google = a().post("/api/auth/google", Map.of("idToken", GOOGLE.token(GOOGLE_APP, "g-" + UUID.randomUUID())
                .email(family.toLowerCase() + "@gmail.com", true).claim("name", family + " Google").build()));
        assertThat(google.status()).as(google.toString()).isEqualTo(200);
        a().patch("/api/admin/users/" + apple.id(), Map.of("disabled", true), admin.accessToken());

        final JsonNode byProvider = a().get("/api/admin/users" + query(Map.of("q", family, "provider", "google")),
                admin.accessToken()).json().path("users");
        final JsonNode disabled = a().get("/api/admin/users" + query(Map.of("q", family, "disabled", "true")),
                admin.accessToken()).json().path("users");
        final JsonNode admins = a().get("/api/admin/users" + query(Map.of("role", "admin", "limit", "200")),
                admin.accessToken()).json().path("users");
        final JsonNode byEmail = a().get("/api/admin/users" + query(Map.of("q", family.toUpperCase() + "@GMAIL")),
                admin.accessToken()).json().path("users");

        assertThat(byProvider).hasSize(1);
        assertThat(byProvider.path(0).path("identities").path(0).path("provider").asText()).isEqualTo("google");
        assertThat(disabled).hasSize(1);
        assertThat(disabled.path(0).path("id").asText()).isEqualTo(apple.id());
        assertThat(admins).allSatisfy(user -> assertThat(user.path("role").asText()).isEqualTo("admin"));
        assertThat(admins.findValuesAsText("id")).contains(admin.id());
        assertThat(byEmail).hasSize(1);
        assertThat(a().get("/api/admin/users" + query(Map.of("q", "100%_\\")), admin.accessToken()).json()
                .path("users")).as("LIKE's own characters match themselves").isEmpty();
    }

    @Test
    void oneUserShowsItsIdentitiesLastSignInAndLiveSessions() {
        final User user = signIn("Shown");
        assertThat(signInAgain(user).status()).isEqualTo(200);
        final User admin = withRole("Admin", "admin");

        final Answer shown = b().get("/api/admin/users/" + user.id(), admin.accessToken());

        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.header("Cache-Control")).isEqualTo("no-store");
        assertThat(shown.json().path("email").asText()).isEqualTo(user.email());
        assertThat(shown.json().path("identities").path(0).path("provider").asText()).isEqualTo("apple");
        assertThat(shown.json().path("liveSessions").asInt()).isEqualTo(2);
        assertThat(shown.json().path("lastSignInAt").asText()).isNotEmpty();
        assertThat(shown.json().path("disabledAt").isNull()).isTrue();
    }

    @Test
    void cursorsAndLimitsWeDidNotIssueAreRefused() {
        final User admin = withRole("Admin", "admin");
        for (int i = 0; i < 3; i++) {
            signIn("Cursor");
        }
        final String users = a().get("/api/admin/users?limit=1", admin.accessToken()).json().path("nextCursor").asText();
        final String audit = a().get("/api/admin/audit?limit=1", admin.accessToken()).json().path("nextCursor").asText();
        final String tampered = (users.charAt(5) == 'A' ? "B" : "A");

        for (String path : List.of("/api/admin/users?cursor=" + audit, "/api/admin/audit?cursor=" + users,
                "/api/admin/users?cursor=" + users.substring(0, 5) + tampered + users.substring(6),
                "/api/admin/users?cursor=not-a-cursor", "/api/admin/users?limit=0", "/api/admin/users?limit=201",
                "/api/admin/audit?limit=x", "/api/admin/audit?action=nothing_like_it",
                "/api/admin/audit?to=%2B294277-01-01T00:00:00Z", "/api/admin/audit?from=-000001-01-01T00:00:00Z",
                "/api/admin/audit?from=%2B1000000000-12-31T23:59:59Z")) {
            final Answer refused = a().get(path, admin.accessToken());

            assertThat(refused.status()).as(path).isEqualTo(400);
            assertThat(refused.code()).as(path).isEqualTo("invalid_request");
        }
        assertThat(b().get("/api/admin/users?limit=1&cursor=" + users, admin.accessToken()).status())
                .as("a cursor of one instance works on another").isEqualTo(200);
    }

    @Test
    void theAuditLogFiltersByActorActionAndTimeAndPages() {
        final User admin = withRole("Admin", "admin");
        final User superadmin = withRole("Super", "superadmin");
        final List<String> targets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            final User target = signIn("Audited");
            targets.add(target.id());
            a().patch("/api/admin/users/" + target.id(), Map.of("role", "admin"), superadmin.accessToken());
        }

        final List<JsonNode> events = new ArrayList<>();
        String cursor = "";
        do {
            final Answer page = a().get("/api/admin/audit?limit=2&action=role_changed&actorId=" + superadmin.id()
                    + (cursor.isEmpty() ? "" : "&cursor=" + cursor), admin.accessToken());
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            page.json().path("events").forEach(events::add);
            cursor = page.json().path("nextCursor").isNull() ? "" : page.json().path("nextCursor").asText();
        } while (!cursor.isEmpty());

        assertThat(events).extracting(event -> event.path("userId").asText()).containsExactlyElementsOf(targets.reversed());
        assertThat(events).allSatisfy(event -> {
            assertThat(event.path("actorId").asText()).isEqualTo(superadmin.id());
            assertThat(event.path("details").path("role").asText()).isEqualTo("admin");
            assertThat(event.path("details").path("previousRole").asText()).isEqualTo("user");
            assertThat(event.path("requestId").asText()).isNotEmpty();
        });
        final JsonNode signIns = a().get("/api/admin/audit?action=sign_in&userId=" + targets.getFirst(),
                admin.accessToken()).json().path("events");
        assertThat(signIns).hasSize(1);
        assertThat(signIns.path(0).path("actorId").asText()).as("a user's own sign-in").isEqualTo(targets.getFirst());
        assertThat(a().get("/api/admin/audit?to=2000-01-01T00:00:00Z", admin.accessToken()).json().path("events")).isEmpty();
        assertThat(a().get("/api/admin/audit?from=2000-01-01T00:00:00Z&userId=" + targets.getFirst(), admin.accessToken())
                .json().path("events")).hasSize(2);
        final JsonNode promoted = a().get("/api/admin/audit?action=role_changed&userId=" + admin.id(), admin.accessToken())
                .json().path("events").path(0);
        assertThat(promoted.path("actorId").isNull()).as("the command line has no id").isTrue();
        assertThat(promoted.path("details").path("osUser").asText()).isEqualTo(System.getProperty("user.name"));
    }

    @Test
    void statsCountUsersSessionsAndSignIns() {
        final User admin = withRole("Admin", "admin");
        final JsonNode before = timed().get("/api/admin/stats", admin.accessToken()).json();

        final User user = signIn("Counted");
        a().patch("/api/admin/users/" + user.id(), Map.of("disabled", true), admin.accessToken());
        assertThat(timed().get("/api/admin/stats", admin.accessToken()).json()).as("read at most every 30 s").isEqualTo(before);
        CLOCK.advance(UsageStats.MAX_AGE);
        final Answer after = timed().get("/api/admin/stats", admin.accessToken());

        assertThat(after.header("Cache-Control")).isEqualTo("no-store");
        final JsonNode stats = after.json();
        assertThat(stats.path("users").path("total").asLong()).isEqualTo(before.path("users").path("total").asLong() + 1);
        assertThat(stats.path("users").path("disabled").asLong())
                .isEqualTo(before.path("users").path("disabled").asLong() + 1);
        assertThat(stats.path("users").path("byRole").path("user").asLong())
                .isEqualTo(before.path("users").path("byRole").path("user").asLong() + 1);
        assertThat(stats.path("users").path("byRole").has("superadmin")).isTrue();
        assertThat(stats.path("users").path("byProvider").path("apple").asLong())
                .isEqualTo(before.path("users").path("byProvider").path("apple").asLong() + 1);
        assertThat(stats.path("users").path("byProvider").has("google")).isTrue();
        assertThat(stats.path("sessions").path("live").asLong()).isEqualTo(before.path("sessions").path("live").asLong());
        assertThat(stats.path("signIns").path("last24h").asLong())
                .isEqualTo(before.path("signIns").path("last24h").asLong() + 1);
        assertThat(stats.path("signIns").path("last7d").asLong()).isGreaterThanOrEqualTo(stats.path("signIns").path("last24h").asLong());
    }
}
