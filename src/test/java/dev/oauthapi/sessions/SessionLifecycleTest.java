package dev.oauthapi.sessions;

import dev.oauthapi.config.RedisConfig;
import dev.oauthapi.config.Secret;
import dev.oauthapi.db.RowIds;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.Redis;
import dev.oauthapi.redis.SessionStates;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestPostgres;
import dev.oauthapi.tokens.RefreshTokens;
import dev.oauthapi.tokens.ServerMac;
import io.dropwizard.util.Duration;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The unit of work publishes what it changed once, after commit, and nothing when it rolls back:
 * here the profile changes, which every instance's cached copies must learn of.
 */
class SessionLifecycleTest {
    static final Map<String, String> ENV = TestEnvironment.withFreshDatabase();
    static final Redis REDIS = Redis.connect(new RedisConfig(ENV.get("REDIS_HOST"), Integer.parseInt(ENV.get("REDIS_PORT")),
            Secret.of(ENV.get("REDIS_PASSWORD")), Integer.parseInt(ENV.get("REDIS_DB")), 2, Duration.seconds(1),
            Duration.seconds(1), Duration.seconds(1)));
    static final List<UUID> PUBLISHED = new CopyOnWriteArrayList<>();
    static final SessionLifecycle LIFECYCLE = lifecycle();

    private static SessionLifecycle lifecycle() {
        TestApp.migrate(ENV);
        final Jdbi jdbi = Jdbi.create(TestPostgres.shared().jdbcUrl(ENV.get("DATABASE_NAME")),
                ENV.get("DATABASE_USERNAME"), ENV.get("DATABASE_PASSWORD"));
        final Clock clock = Clock.systemUTC();
        final SecureRandom random = new SecureRandom();
        final SessionGate gate = new SessionGate(new SessionStates(REDIS), new ServerMac(() -> new byte[32]), jdbi, clock,
                java.time.Duration.ofMinutes(15), AuthMetrics.unexported());
        return new SessionLifecycle(jdbi, gate, new RefreshTokens(random), new RowIds(clock, random), clock,
                java.time.Duration.ofDays(30), java.time.Duration.ofDays(180), AuthMetrics.unexported(), PUBLISHED::add);
    }

    @AfterAll
    static void close() {
        REDIS.stop();
    }

    @Test
    void aProfileChangeIsPublishedOnceAfterCommit() {
        final UUID user = UUID.randomUUID();
        PUBLISHED.clear();

        LIFECYCLE.inTransaction(tx -> {
            tx.profileChanged(user);
            tx.profileChanged(user);
            assertThat(PUBLISHED).as("not before commit").isEmpty();
            return null;
        });

        assertThat(PUBLISHED).containsExactly(user);
    }

    @Test
    void aTransactionThatRollsBackPublishesNothing() {
        PUBLISHED.clear();

        assertThatThrownBy(() -> LIFECYCLE.inTransaction(tx -> {
            tx.profileChanged(UUID.randomUUID());
            throw new IllegalStateException("rolled back");
        })).hasMessage("rolled back");

        assertThat(PUBLISHED).isEmpty();
    }
}
