package dev.oauthapi.db;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.oauthapi.db.Rows.HANDLE;
import static dev.oauthapi.db.Rows.NOW;
import static dev.oauthapi.db.Rows.hash;
import static dev.oauthapi.db.Rows.identity;
import static dev.oauthapi.db.Rows.in;
import static dev.oauthapi.db.Rows.session;
import static dev.oauthapi.db.Rows.user;
import static org.assertj.core.api.Assertions.assertThat;

/** The database is shared with the other DAO tests: each count is checked by what a test adds to it. */
class StatsDaoTest {
    private static final List<String> ROLES = List.of("user", "admin", "superadmin");

    @Test
    void usersAreCountedByRoleDisabledAndProviderWithEveryNameListed() {
        final StatsDao.UserCounts before = new StatsDao(HANDLE).users(ROLES);
        final var providersBefore = new StatsDao(HANDLE).usersByProvider(List.of("google", "apple", "x"));
        final UserRow admin = user("admin");
        identity(admin, "apple");
        new UserDao(HANDLE).disable(admin.id(), NOW);

        final StatsDao.UserCounts after = new StatsDao(HANDLE).users(ROLES);
        final var providersAfter = new StatsDao(HANDLE).usersByProvider(List.of("google", "apple", "x"));

        assertThat(after.total()).isEqualTo(before.total() + 1);
        assertThat(after.disabled()).isEqualTo(before.disabled() + 1);
        assertThat(after.byRole()).containsOnlyKeys(ROLES).containsEntry("admin", before.byRole().get("admin") + 1);
        assertThat(providersAfter).containsEntry("apple", providersBefore.get("apple") + 1).containsEntry("x", 0L);
    }

    @Test
    void liveSessionsAndRecentEvents() {
        final long live = new StatsDao(HANDLE).liveSessions(NOW);
        final StatsDao.Recent recent = new StatsDao(HANDLE).recentEvents("stats_test", NOW);
        final UserRow user = user("user");
        final SessionRow ended = session(user, "google", hash());
        session(user, "google", hash());
        new SessionDao(HANDLE).revoke(user.id(), ended.id(), "logout", NOW);
        in(handle -> {
            new AuditDao(handle).insert(NOW.minusSeconds(3600), "stats_test", user.id(), null, null, null, null, "{}");
            new AuditDao(handle).insert(NOW.minusSeconds(3 * 86400), "stats_test", user.id(), null, null, null, null, "{}");
            new AuditDao(handle).insert(NOW.minusSeconds(9 * 86400), "stats_test", user.id(), null, null, null, null, "{}");
            return null;
        });

        assertThat(new StatsDao(HANDLE).liveSessions(NOW)).isEqualTo(live + 1);
        assertThat(new StatsDao(HANDLE).recentEvents("stats_test", NOW))
                .isEqualTo(new StatsDao.Recent(recent.lastDay() + 1, recent.lastWeek() + 2));
    }
}
