package dev.oauthapi.db;

import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The counts of the admin stats, exact and read when asked: each a scan of its table (some
 * hundreds of milliseconds at a million users), which an admin page can afford and a hot path
 * never calls.
 */
public final class StatsDao {
    private final Handle handle;

    /** Makes this transaction one read-only snapshot, so that its counts agree with each other. */
    public void readOnlySnapshot() {
        handle.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    }

    public StatsDao(Handle handle) {
        this.handle = handle;
    }

    /** Users in all, disabled, guests, and by role (every role named, with 0 when none has it). */
    public record UserCounts(long total, long disabled, long anonymous, Map<String, Long> byRole) {
    }

    public UserCounts users(List<String> roles) {
        final Map<String, Long> byRole = zeroes(roles);
        long total = 0;
        long disabled = 0;
        long anonymous = 0;
        for (RoleCount count : handle.createQuery("""
                        SELECT role, count(*) AS n, count(disabled_at) AS disabled, count(*) FILTER (WHERE is_anonymous) AS guests
                          FROM users GROUP BY role""")
                .map((row, ctx) -> new RoleCount(row.getString("role"), row.getLong("n"), row.getLong("disabled"),
                        row.getLong("guests")))
                .list()) {
            byRole.put(count.role(), count.users());
            total += count.users();
            disabled += count.disabled();
            anonymous += count.guests();
        }
        return new UserCounts(total, disabled, anonymous, byRole);
    }

    private record RoleCount(String role, long users, long disabled, long guests) {
    }

    /** Users with an identity of each provider (every provider named). */
    public Map<String, Long> usersByProvider(List<String> providers) {
        final Map<String, Long> byProvider = zeroes(providers);
        handle.createQuery("SELECT provider, count(*) AS n FROM identities GROUP BY provider")
                .map((row, ctx) -> Map.entry(row.getString("provider"), row.getLong("n")))
                .forEach(count -> byProvider.put(count.getKey(), count.getValue()));
        return byProvider;
    }

    /** Sessions that can still be used now. */
    public long liveSessions(Instant now) {
        return handle.createQuery("""
                        SELECT count(*) FROM sessions
                        WHERE revoked_at IS NULL AND expires_at > :now AND absolute_expires_at > :now""")
                .bind("now", now).mapTo(Long.class).one();
    }

    /** Events of one kind (sign-ins) within the last day and the last week, from the audit log. */
    public record Recent(long lastDay, long lastWeek) {
    }

    public Recent recentEvents(String event, Instant now) {
        return handle.createQuery("""
                        SELECT count(*) FILTER (WHERE occurred_at > :day) AS day, count(*) AS week
                        FROM audit_log WHERE event = :event AND occurred_at > :week""")
                .bind("event", event).bind("day", now.minus(Duration.ofDays(1))).bind("week", now.minus(Duration.ofDays(7)))
                .map((row, ctx) -> new Recent(row.getLong("day"), row.getLong("week"))).one();
    }

    private static Map<String, Long> zeroes(List<String> names) {
        final Map<String, Long> counts = new LinkedHashMap<>();
        names.forEach(name -> counts.put(name, 0L));
        return counts;
    }
}
