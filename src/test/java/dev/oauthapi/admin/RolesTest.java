package dev.oauthapi.admin;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestApp.CommandResult;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import dev.oauthapi.testing.TestRedis;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Roles on the real service, two instances on one database and one Redis: {@code users promote}
 * sets a role, and it takes effect on the user's next request on both instances with the access
 * token signed before the change; a demotion bites the same way; the last superadmin stays one.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class RolesTest {
    static final String APPLE_APP = "com.example.roles";
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final Map<String, String> ENV = TestEnvironment.withProviders(GOOGLE, "unused", APPLE, APPLE_APP);
    static final DropwizardAppExtension<OAuthApiConfiguration> A = TestApp.extension(ENV);
    static final DropwizardAppExtension<OAuthApiConfiguration> B = TestApp.extension(ENV);
    static final TestDatabase DB = new TestDatabase(ENV);

    @AfterAll
    static void stopProviders() {
        GOOGLE.close();
        APPLE.close();
    }

    record User(String id, String email, String accessToken) {
    }

    private static User signIn() {
        final String email = "roles-" + UUID.randomUUID() + "@example.com";
        final Answer answer = new TestHttp(B.getLocalPort()).post("/api/auth/apple", Map.of("identityToken",
                APPLE.token(APPLE_APP, "001." + UUID.randomUUID()).email(email, "true").build()));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return new User(answer.json().path("user").path("id").asText(), email,
                answer.json().path("tokens").path("accessToken").asText());
    }

    private static int adminStats(DropwizardAppExtension<OAuthApiConfiguration> instance, User user) {
        return new TestHttp(instance.getLocalPort()).get("/api/admin/stats", user.accessToken()).status();
    }

    private static CommandResult setRole(User user, String role) {
        return TestApp.run(ENV, "users", "promote", "--id", user.id(), "--role", role, TestApp.CONFIG);
    }

    @Test
    void aPromotionTakesEffectOnTheNextRequestOnEveryInstanceWithTheOldToken() {
        final User user = signIn();
        assertThat(adminStats(A, user)).isEqualTo(403);
        assertThat(adminStats(B, user)).isEqualTo(403); // both instances have cached "live, role user"

        final CommandResult promoted = TestApp.run(ENV, "users", "promote", "--email", user.email(), "--role", "admin",
                TestApp.CONFIG);

        assertThat(promoted.succeeded()).as(promoted.stderr()).isTrue();
        assertThat(promoted.stdout()).contains("now has the role admin");
        assertThat(adminStats(A, user)).isEqualTo(200);
        assertThat(adminStats(B, user)).isEqualTo(200);
        assertThat(new TestHttp(A.getLocalPort()).get("/api/users/me", user.accessToken()).json().path("role").asText())
                .isEqualTo("admin");
        assertThat(DB.one("SELECT details->>'role' AS role, details->>'previousRole' AS previous, details->>'osUser' AS os"
                        + " FROM audit_log WHERE event = 'role_changed' AND user_id = ?::uuid", user.id()))
                .containsEntry("role", "admin").containsEntry("previous", "user")
                .containsEntry("os", System.getProperty("user.name"));
    }

    @Test
    void aDemotionBitesOnTheNextRequestOnEveryInstance() {
        final User user = signIn();
        assertThat(setRole(user, "admin").succeeded()).isTrue();
        assertThat(adminStats(A, user)).isEqualTo(200);
        assertThat(adminStats(B, user)).isEqualTo(200);

        assertThat(setRole(user, "user").succeeded()).isTrue();

        assertThat(adminStats(A, user)).isEqualTo(403);
        assertThat(adminStats(B, user)).isEqualTo(403);
    }

    /** The keys of the user's cached session answers (one per session), as Redis files them. */
    private static java.util.Set<String> liveKeys(Jedis redis, User user) {
        return redis.keys("oauth-api:session-live:{" + user.id() + "}:*");
    }

    /**
     * Anyone who can write to Redis could once make themselves superadmin there: the cached role
     * was taken as it stood. Now a role Redis holds counts only with our MAC over the session, the
     * role and the user's version; anything else is read again from PostgreSQL, and counted.
     */
    @Test
    void aRoleWrittenIntoRedisByAnyoneElseIsNotTrusted() {
        final User user = signIn();
        assertThat(adminStats(A, user)).isEqualTo(403); // cached: live, role user
        try (Jedis redis = TestRedis.shared().client()) {
            final java.util.Set<String> keys = liveKeys(redis, user);
            assertThat(keys).hasSize(1);
            final String key = keys.iterator().next();
            final String genuine = redis.get(key);
            assertThat(genuine).startsWith("user.");

            for (String forged : new String[] {"superadmin", genuine.replaceFirst("^user\\.", "superadmin."),
                    "superadmin." + genuine.split("\\.")[1] + ".AAAAAAAAAAAAAAAAAAAAAA"}) {
                redis.set(key, forged);
                assertThat(adminStats(A, user)).as(forged).isEqualTo(403);
                assertThat(redis.get(key)).as("PostgreSQL's answer cached again").startsWith("user.");
            }
        }
        assertThat(new TestHttp(A.getAdminPort()).get("/prometheus", null).response().body())
                .contains("oauth_redis_values_untrusted_total{value=\"session_role\"} 2.0");
    }

    /**
     * A request that read the admin role just before a demotion, and caches it just after the
     * demotion cleared the cache, cannot bring the role back: the entry carries the user's version,
     * which the demotion replaced.
     */
    @Test
    void aRoleCachedAgainAfterADemotionIsNoLongerAnswer() {
        final User user = signIn();
        assertThat(setRole(user, "admin").succeeded()).isTrue();
        assertThat(adminStats(A, user)).isEqualTo(200);
        final String key;
        final String asAdmin;
        try (Jedis redis = TestRedis.shared().client()) {
            key = liveKeys(redis, user).iterator().next();
            asAdmin = redis.get(key);
        }

        assertThat(setRole(user, "user").succeeded()).isTrue();
        try (Jedis redis = TestRedis.shared().client()) {
            redis.set(key, asAdmin); // the late write of a request that read the old role
        }

        assertThat(adminStats(A, user)).isEqualTo(403);
        assertThat(adminStats(B, user)).isEqualTo(403);
    }

    @Test
    void theLastSuperadminCannotBeDemoted() {
        DB.execute("UPDATE users SET role = 'user' WHERE role = 'superadmin'");
        final User first = signIn();
        final User second = signIn();
        assertThat(setRole(first, "superadmin").succeeded()).isTrue();

        final CommandResult refused = setRole(first, "admin");

        assertThat(refused.succeeded()).isFalse();
        assertThat(refused.error().orElseThrow().getMessage()).contains("last superadmin");
        assertThat(DB.one("SELECT role FROM users WHERE id = ?::uuid", first.id())).containsEntry("role", "superadmin");
        assertThat(setRole(second, "superadmin").succeeded()).isTrue();
        assertThat(setRole(first, "user").succeeded()).as("no longer the last").isTrue();
    }

    @Test
    void badArgumentsAreUsageErrors() {
        final User user = signIn();

        assertThat(TestApp.run(ENV, "users", "promote", "--id", user.id(), TestApp.CONFIG).succeeded()).isFalse();
        assertThat(TestApp.run(ENV, "users", "promote", "--id", user.id(), "--role", "root", TestApp.CONFIG).succeeded())
                .isFalse();
        assertThat(TestApp.run(ENV, "users", "promote", "--email", "nobody-" + UUID.randomUUID() + "@example.com",
                "--role", "admin", TestApp.CONFIG).error().orElseThrow().getMessage())
                .contains("No user has that e-mail address");
    }
}
