package dev.oauthapi.admin;

import dev.oauthapi.db.StatsDao;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.sessions.Audit;
import dev.oauthapi.users.Roles;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/** The numbers of {@code GET /api/admin/stats}: exact counts, read when asked (see {@link StatsDao}). */
public final class UsageStats {
    private final Jdbi jdbi;
    private final Clock clock;

    public UsageStats(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** {@code byProvider} counts users with an identity of each provider, so its sum may exceed the total. */
    public record Snapshot(long users, long disabled, Map<String, Long> byRole, Map<String, Long> byProvider,
                           long liveSessions, long signInsLastDay, long signInsLastWeek) {
    }

    /** Four statements in one read-only snapshot, so the numbers agree with each other. */
    public Snapshot now() {
        final Instant now = clock.instant();
        return jdbi.inTransaction(handle -> {
            handle.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            final StatsDao stats = new StatsDao(handle);
            final StatsDao.UserCounts users = stats.users(Roles.ALL);
            final Map<String, Long> byProvider = stats.usersByProvider(
                    Arrays.stream(Provider.values()).map(Provider::wireName).toList());
            final StatsDao.Recent signIns = stats.recentEvents(Audit.Event.SIGN_IN.stored(), now);
            return new Snapshot(users.total(), users.disabled(), users.byRole(), byProvider, stats.liveSessions(now),
                    signIns.lastDay(), signIns.lastWeek());
        });
    }
}
