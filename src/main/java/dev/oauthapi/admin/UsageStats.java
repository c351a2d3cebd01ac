package dev.oauthapi.admin;

import dev.oauthapi.db.StatsDao;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.sessions.Audit;
import dev.oauthapi.tokens.Roles;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * The numbers of {@code GET /api/admin/stats}: exact counts (see {@link StatsDao}), read at most
 * once per {@link #MAX_AGE} on each instance. Counting scans four tables; a dashboard polling
 * every second, or several admins at once, would otherwise scan them as often.
 */
public final class UsageStats {
    public static final Duration MAX_AGE = Duration.ofSeconds(30);

    private final Jdbi jdbi;
    private final Clock clock;
    private Snapshot cached;
    private Instant cachedAt;

    public UsageStats(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** The numbers as of at most {@link #MAX_AGE} ago; one reader counts while the others wait for it. */
    public synchronized Snapshot recent() {
        final Instant now = clock.instant();
        if (cached == null || !now.isBefore(cachedAt.plus(MAX_AGE))) {
            cached = now();
            cachedAt = now;
        }
        return cached;
    }

    /** {@code byProvider} counts users with an identity of each provider, so its sum may exceed the total. */
    public record Snapshot(long users, long disabled, long anonymous, Map<String, Long> byRole,
                           Map<String, Long> byProvider, long liveSessions, long signInsLastDay, long signInsLastWeek) {
    }

    /** Four statements in one read-only snapshot, so the numbers agree with each other. */
    private Snapshot now() {
        final Instant now = clock.instant();
        return jdbi.inTransaction(handle -> {
            final StatsDao stats = new StatsDao(handle);
            stats.readOnlySnapshot();
            final StatsDao.UserCounts users = stats.users(Roles.ALL);
            final Map<String, Long> byProvider = stats.usersByProvider(
                    Arrays.stream(Provider.values()).map(Provider::wireName).toList());
            final StatsDao.Recent signIns = stats.recentEvents(Audit.Event.SIGN_IN.stored(), now);
            return new Snapshot(users.total(), users.disabled(), users.anonymous(), users.byRole(), byProvider,
                    stats.liveSessions(now),
                    signIns.lastDay(), signIns.lastWeek());
        });
    }
}
