package dev.oauthapi.testing;

import dev.oauthapi.config.RedisConfig;
import dev.oauthapi.config.Secret;
import dev.oauthapi.db.RowIds;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.Redis;
import dev.oauthapi.redis.SessionStates;
import dev.oauthapi.sessions.SessionGate;
import dev.oauthapi.sessions.SessionLifecycle;
import dev.oauthapi.tokens.RefreshTokens;
import dev.oauthapi.tokens.ServerMac;
import io.dropwizard.util.Duration;
import org.jdbi.v3.core.Jdbi;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A fresh, migrated database and the test Redis, with the domain's unit of work over them: for
 * tests of domain classes without the HTTP layer, on the real stores.
 */
public final class TestStores implements AutoCloseable {
    private final Map<String, String> env;
    private final Jdbi jdbi;
    private final Redis redis;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    private TestStores(Map<String, String> env, Clock clock) {
        this.env = env;
        this.clock = clock;
        TestApp.migrate(env);
        this.jdbi = Jdbi.create(TestPostgres.shared().jdbcUrl(env.get("DATABASE_NAME")), env.get("DATABASE_USERNAME"),
                env.get("DATABASE_PASSWORD"));
        this.redis = Redis.connect(new RedisConfig(env.get("REDIS_HOST"), Integer.parseInt(env.get("REDIS_PORT")),
                Secret.of(env.get("REDIS_PASSWORD")), Integer.parseInt(env.get("REDIS_DB")), 2, Duration.seconds(1),
                Duration.seconds(1), Duration.seconds(1)));
    }

    public static TestStores fresh() {
        return fresh(Clock.systemUTC());
    }

    /** With the clock the domain reads time from: a {@link MutableClock} to move it. */
    public static TestStores fresh(Clock clock) {
        return new TestStores(TestEnvironment.withFreshDatabase(), clock);
    }

    public Map<String, String> environment() {
        return env;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Redis redis() {
        return redis;
    }

    public Clock clock() {
        return clock;
    }

    public RowIds ids() {
        return new RowIds(clock, random);
    }

    /** The unit of work as the service builds it, telling {@code profileChanged} after each commit. */
    public SessionLifecycle lifecycle(Consumer<UUID> profileChanged) {
        return lifecycle(gate(), profileChanged, false);
    }

    /** The session check as the service builds it. */
    public SessionGate gate() {
        return new SessionGate(new SessionStates(redis), new ServerMac(() -> new byte[32]), jdbi, clock,
                java.time.Duration.ofMinutes(15), AuthMetrics.unexported());
    }

    /** Refresh tokens under a fixed test key. */
    public RefreshTokens refreshTokens() {
        return new RefreshTokens(random, new ServerMac(() -> new byte[32]));
    }

    /** @param legacyTokens issue the refresh tokens older releases read ({@code REFRESH_TOKEN_FORMAT=v1}) */
    public SessionLifecycle lifecycle(SessionGate gate, Consumer<UUID> profileChanged, boolean legacyTokens) {
        return new SessionLifecycle(jdbi, gate, refreshTokens(), ids(), clock, java.time.Duration.ofDays(30),
                java.time.Duration.ofDays(180), AuthMetrics.unexported(), profileChanged, legacyTokens);
    }

    @Override
    public void close() {
        redis.stop();
    }
}
