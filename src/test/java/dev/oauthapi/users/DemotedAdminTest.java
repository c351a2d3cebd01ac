package dev.oauthapi.users;

import dev.oauthapi.db.RowIds;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.Redis;
import dev.oauthapi.redis.SessionStates;
import dev.oauthapi.redis.UserVersions;
import dev.oauthapi.sessions.SessionGate;
import dev.oauthapi.sessions.SessionLifecycle;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestPostgres;
import dev.oauthapi.tokens.RefreshTokens;
import dev.oauthapi.tokens.ServerMac;
import dev.oauthapi.config.RedisConfig;
import dev.oauthapi.config.Secret;
import io.dropwizard.util.Duration;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An admin whose role was taken away acts no more, even with a request that was let in as an
 * admin just before: every change to another account reads the actor's row again under a lock and
 * requires the role there, not the one the request carried.
 */
class DemotedAdminTest {
    static final Map<String, String> ENV = TestEnvironment.withFreshDatabase();
    static final TestDatabase DB = new TestDatabase(ENV);
    static final Redis REDIS = Redis.connect(new RedisConfig(ENV.get("REDIS_HOST"), Integer.parseInt(ENV.get("REDIS_PORT")),
            Secret.of(ENV.get("REDIS_PASSWORD")), Integer.parseInt(ENV.get("REDIS_DB")), 2, Duration.seconds(1),
            Duration.seconds(1), Duration.seconds(1)));
    static final Accounts ACCOUNTS = accounts();

    private static Accounts accounts() {
        TestApp.migrate(ENV);
        final Jdbi jdbi = Jdbi.create(TestPostgres.shared().jdbcUrl(ENV.get("DATABASE_NAME")),
                ENV.get("DATABASE_USERNAME"), ENV.get("DATABASE_PASSWORD"));
        final Clock clock = Clock.systemUTC();
        final SecureRandom random = new SecureRandom();
        final SessionGate gate = new SessionGate(new SessionStates(REDIS), new ServerMac(() -> new byte[32]), jdbi, clock,
                java.time.Duration.ofMinutes(15), AuthMetrics.unexported());
        final RowIds ids = new RowIds(clock, random);
        final ProfileCache profiles = new ProfileCache(new UserVersions(REDIS), 10);
        final SessionLifecycle lifecycle = new SessionLifecycle(jdbi, gate, new RefreshTokens(random), ids, clock,
                java.time.Duration.ofDays(30), java.time.Duration.ofDays(180), AuthMetrics.unexported(), profiles::changed);
        return new Accounts(jdbi, lifecycle, ids, clock, profiles);
    }

    @AfterAll
    static void close() {
        REDIS.stop();
    }

    private static UUID user(String role) {
        final UUID id = UUID.randomUUID();
        DB.execute("INSERT INTO users (id, email, email_verified, role, created_at, updated_at)"
                + " VALUES (?::uuid, ?, true, ?, now(), now())", id.toString(), id + "@example.com", role);
        return id;
    }

    @Test
    void anAdminDemotedSinceTheirRequestWasLetInCannotDisableEnableOrDelete() {
        final UUID demoted = user("user"); // an admin a moment ago, when their request was let in
        final Actor asLetIn = Actor.signedIn(demoted, Roles.ADMIN);
        final UUID target = user("user");

        for (Runnable change : new Runnable[] {
                () -> ACCOUNTS.update(target, asLetIn, null, true, "192.0.2.1"),
                () -> ACCOUNTS.update(target, asLetIn, null, false, "192.0.2.1"),
                () -> ACCOUNTS.delete(target, asLetIn, "192.0.2.1")}) {
            assertThatThrownBy(change::run).isInstanceOfSatisfying(ApiException.class,
                    refused -> assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN));
        }

        assertThat(DB.one("SELECT disabled_at FROM users WHERE id = ?::uuid", target.toString()))
                .containsEntry("disabled_at", null);
        assertThat(DB.one("SELECT count(*) AS n FROM audit_log WHERE user_id = ?::uuid", target.toString()))
                .containsEntry("n", 0L);
    }

    @Test
    void anAdminStillAnAdminMayDisable() {
        final UUID admin = user("admin");
        final UUID target = user("user");

        ACCOUNTS.update(target, Actor.signedIn(admin, Roles.ADMIN), null, true, "192.0.2.1");

        assertThat(DB.one("SELECT disabled_at IS NOT NULL AS disabled FROM users WHERE id = ?::uuid", target.toString()))
                .containsEntry("disabled", true);
    }
}
