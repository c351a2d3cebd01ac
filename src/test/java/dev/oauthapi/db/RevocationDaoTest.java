package dev.oauthapi.db;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static dev.oauthapi.db.Rows.JDBI;
import static dev.oauthapi.db.Rows.HANDLE;
import static dev.oauthapi.db.Rows.NOW;
import static dev.oauthapi.db.Rows.in;
import static org.assertj.core.api.Assertions.assertThat;

/** The outbox: due rows are locked once (another instance skips them), leased, then completed, retried or abandoned. */
class RevocationDaoTest {
    /** Far in the past: only this test's rows are due then. */
    private static final java.time.Instant LONG_AGO = NOW.minusSeconds(10L * 365 * 86400);

    @Test
    void aQueuedTokenIsDueLockedOnceLeasedAndCompleted() {
        final UUID user = UUID.randomUUID();
        in(handle -> {
            new RevocationDao(handle).insert("apple", "client", new byte[] {7}, "k1", user, LONG_AGO);
            return null;
        });

        JDBI.useTransaction(first -> {
            final List<RevocationRow> due = new RevocationDao(first).lockDue(LONG_AGO, 10);
            assertThat(due).singleElement().satisfies(row -> {
                assertThat(row.userId()).isEqualTo(user);
                assertThat(row.tokenSealed()).containsExactly(7);
                assertThat(row.attempts()).isZero();
            });
            assertThat(new RevocationDao(HANDLE).lockDue(LONG_AGO, 10)).as("skipped while locked").isEmpty();
            new RevocationDao(first).lease(due.getFirst().id(), NOW);
        });
        assertThat(new RevocationDao(HANDLE).lockDue(LONG_AGO, 10)).as("leased until later").isEmpty();

        final long id = new RevocationDao(HANDLE).lockDue(NOW, 1000).stream()
                .filter(row -> row.userId().equals(user)).findFirst().orElseThrow().id();
        in(handle -> {
            new RevocationDao(handle).completed(id, NOW);
            return null;
        });
        assertThat(new RevocationDao(HANDLE).lockDue(NOW, 1000)).extracting(RevocationRow::id)
                .doesNotContain(id);
    }

    @Test
    void aFailureIsRetriedLaterAndAnAbandonedOneLeavesTheBacklog() {
        final UUID user = UUID.randomUUID();
        final RevocationDao.Backlog before = new RevocationDao(HANDLE).backlog();
        in(handle -> {
            new RevocationDao(handle).insert("apple", "client", new byte[] {7}, "k1", user, LONG_AGO);
            return null;
        });
        final long id = new RevocationDao(HANDLE).lockDue(LONG_AGO, 10).getFirst().id();

        in(handle -> {
            new RevocationDao(handle).failed(id, NOW, NOW.plusSeconds(60), "503 from Apple", false);
            return null;
        });
        assertThat(new RevocationDao(HANDLE).backlog())
                .isEqualTo(new RevocationDao.Backlog(before.depth() + 1, LONG_AGO));
        in(handle -> {
            new RevocationDao(handle).failed(id, NOW, NOW.plusSeconds(60), "invalid_client", true);
            return null;
        });

        assertThat(new RevocationDao(HANDLE).backlog().depth()).isEqualTo(before.depth());
        assertThat(new RevocationDao(HANDLE).lockDue(NOW.plusSeconds(120), 1000))
                .extracting(RevocationRow::id).doesNotContain(id);
    }
}
