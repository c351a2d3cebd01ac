package dev.oauthapi.db;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static dev.oauthapi.db.Rows.HANDLE;
import static dev.oauthapi.db.Rows.NOW;
import static dev.oauthapi.db.Rows.in;
import static org.assertj.core.api.Assertions.assertThat;

class AuditDaoTest {
    private static void insert(UUID user, UUID actor, String event, int secondsAgo) {
        in(handle -> {
            new AuditDao(handle).insert(NOW.minusSeconds(secondsAgo), event, user, actor, null, "192.0.2.1", "req-1",
                    "{\"provider\":\"google\"}");
            return null;
        });
    }

    @Test
    void anEventIsReadBackAsWritten() {
        final UUID user = UUID.randomUUID();
        insert(user, user, "sign_in", 0);

        final List<AuditRow> rows = new AuditDao(HANDLE)
                .page(new AuditDao.Filter(user, null, null, null, null), null, null, 10);

        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.occurredAt()).isEqualTo(NOW);
            assertThat(row.event()).isEqualTo("sign_in");
            assertThat(row.actorId()).isEqualTo(user);
            assertThat(row.ipAddress()).isEqualTo("192.0.2.1");
            assertThat(row.requestId()).isEqualTo("req-1");
            assertThat(row.details()).isEqualTo("{\"provider\": \"google\"}");
        });
    }

    @Test
    void pagesAreNewestFirstAndContinueAfterTheLastRowShown() {
        final UUID user = UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            insert(user, null, "logout", i);
        }
        final AuditDao.Filter mine = new AuditDao.Filter(user, null, "logout", null, null);

        final List<AuditRow> first = new AuditDao(HANDLE).page(mine, null, null, 3);
        final AuditRow last = first.getLast();
        final List<AuditRow> rest = new AuditDao(HANDLE).page(mine, last.occurredAt(), last.id(), 3);

        assertThat(first).extracting(AuditRow::occurredAt).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(first).hasSize(3);
        assertThat(rest).hasSize(2).allSatisfy(row -> assertThat(row.occurredAt()).isBefore(last.occurredAt()));
    }

    @Test
    void eachFilterNarrows() {
        final UUID user = UUID.randomUUID();
        final UUID admin = UUID.randomUUID();
        insert(user, admin, "account_disabled", 100);
        insert(user, user, "sign_in", 10);

        assertThat(new AuditDao(HANDLE).page(new AuditDao.Filter(null, admin, null, null, null), null, null,
                10)).extracting(AuditRow::event).containsExactly("account_disabled");
        assertThat(new AuditDao(HANDLE).page(new AuditDao.Filter(user, null, null, NOW.minusSeconds(50),
                null), null, null, 10)).extracting(AuditRow::event).containsExactly("sign_in");
        assertThat(new AuditDao(HANDLE).page(new AuditDao.Filter(user, null, null, null,
                NOW.minusSeconds(50)), null, null, 10)).extracting(AuditRow::event).containsExactly("account_disabled");
    }
}
