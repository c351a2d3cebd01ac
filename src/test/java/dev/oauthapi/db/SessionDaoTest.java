package dev.oauthapi.db;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import static dev.oauthapi.db.Rows.HANDLE;
import static dev.oauthapi.db.Rows.JDBI;
import static dev.oauthapi.db.Rows.NOW;
import static dev.oauthapi.db.Rows.hash;
import static dev.oauthapi.db.Rows.session;
import static dev.oauthapi.db.Rows.user;
import static org.assertj.core.api.Assertions.assertThat;

class SessionDaoTest {
    @Test
    void aSessionIsStoredWithItsFirstRefreshSecretAndReadBackWhole() {
        final UserRow user = user("user");
        final byte[] secret = hash();
        final SessionRow session = session(user, "google", secret);

        assertThat(new SessionDao(HANDLE).find(session.id())).contains(session);
        assertThat(new SessionDao(HANDLE).lockForRefresh(session.id())).hasValueSatisfying(state -> {
            assertThat(state.session()).isEqualTo(session);
            assertThat(state.generation()).isZero();
            assertThat(state.refreshHash()).isEqualTo(secret);
            assertThat(state.previousHash()).isNull();
            assertThat(state.role()).isEqualTo("user");
            assertThat(state.userDisabled()).isFalse();
        });
        assertThat(HANDLE.createQuery("SELECT count(*) FROM refresh_tokens WHERE session_id = :id")
                .bind("id", session.id()).mapTo(Long.class).one()).as("no token row").isZero();
    }

    @Test
    void aRotationMovesTheGenerationKeepsThePreviousSecretAndTheIdleExpiry() {
        final UserRow user = user("user");
        final byte[] first = hash();
        final SessionRow session = session(user, "apple", first);
        final byte[] second = hash();
        final var idle = NOW.plus(Duration.ofDays(31));

        assertThat(new SessionDao(HANDLE).rotate(session.id(), 0, first, second, new byte[] {5}, NOW, idle, Set.of(), false, null, null))
                .contains(new Rotation(session.id(), user.id(), "client", "user", idle, null, false));

        assertThat(new SessionDao(HANDLE).lockForRefresh(session.id())).hasValueSatisfying(state -> {
            assertThat(state.generation()).isEqualTo(1);
            assertThat(state.refreshHash()).isEqualTo(second);
            assertThat(state.previousHash()).isEqualTo(first);
            assertThat(state.successorSealed()).containsExactly(5);
            assertThat(state.refreshedAt()).isEqualTo(NOW);
        });
        assertThat(new SessionDao(HANDLE).rotate(session.id(), 0, first, hash(), new byte[] {5}, NOW, idle, Set.of(), false, null, null))
                .as("the same generation twice").isEmpty();
        assertThat(new SessionDao(HANDLE).rotate(session.id(), 1, first, hash(), new byte[] {5}, NOW, idle, Set.of(), false, null, null))
                .as("another secret").isEmpty();
        assertThat(new SessionDao(HANDLE).rotate(session.id(), 1, second, hash(), new byte[] {5}, NOW, NOW.plus(Duration.ofDays(999)), Set.of(), false, null, null))
                .hasValueSatisfying(rotation -> assertThat(rotation.expiresAt()).isEqualTo(session.absoluteExpiresAt()));
    }

    /** Every column a rotation writes is unindexed, and the pages keep room: PostgreSQL updates the row in place. */
    @Test
    void aRotationIsAHotUpdate() {
        final UserRow user = user("user");
        byte[] current = hash();
        final SessionRow session = session(user, "google", current);
        for (int generation = 0; generation < 5; generation++) {
            final byte[] presented = current;
            final byte[] next = hash();
            final int from = generation;
            final long[] updated = JDBI.inTransaction(handle -> {
                assertThat(new SessionDao(handle).rotate(session.id(), from, presented, next, new byte[] {1}, NOW,
                        NOW.plus(Duration.ofDays(30)), Set.of(), false, null, null)).isPresent();
                return handle.createQuery("SELECT pg_stat_get_xact_tuples_updated('sessions'::regclass) AS updated,"
                                + " pg_stat_get_xact_tuples_hot_updated('sessions'::regclass) AS hot")
                        .map((row, ctx) -> new long[] {row.getLong("updated"), row.getLong("hot")}).one();
            });
            assertThat(updated).as("rows updated, of them HOT, in rotation %d", generation).containsExactly(1, 1);
            current = next;
        }
    }

    @Test
    void livenessNamesTheEarlierExpiryAndTheRoleAndEndsWithRevocationOrADisabledUser() {
        final UserRow user = user("admin");
        final SessionRow session = session(user, "apple", hash());

        assertThat(new SessionDao(HANDLE).liveUntil(session.id(), NOW))
                .contains(new SessionDao.Liveness(session.expiresAt(), "admin"));
        assertThat(new SessionDao(HANDLE).liveUntil(session.id(), session.expiresAt())).isEmpty();

        new UserDao(HANDLE).disable(user.id(), NOW);
        assertThat(new SessionDao(HANDLE).liveUntil(session.id(), NOW)).as("disabled user").isEmpty();
    }

    @Test
    void revocationsReturnWhatTheyEndedAndEndNothingTwice() {
        final UserRow user = user("user");
        final SessionRow kept = session(user, "google", hash());
        final SessionRow apple = session(user, "apple", hash());
        final SessionRow other = session(user, "google", hash());

        assertThat(new SessionDao(HANDLE).revokeOfProvider(user.id(), "apple", "unlinked", NOW))
                .containsExactly(apple.id());
        assertThat(new SessionDao(HANDLE).revoke(user.id(), apple.id(), "logout", NOW)).isEmpty();
        assertThat(new SessionDao(HANDLE).revokeAllBut(user.id(), kept.id(), "all", NOW))
                .containsExactly(other.id());
        assertThat(new SessionDao(HANDLE).revoke(UUID.randomUUID(), kept.id(), "logout", NOW))
                .as("another user's session").isEmpty();

        assertThat(new SessionDao(HANDLE).findLive(user.id(), NOW)).extracting(SessionRow::id)
                .containsExactly(kept.id());
        assertThat(new SessionDao(HANDLE).find(apple.id())).hasValueSatisfying(row ->
                assertThat(row.revokedReason()).isEqualTo("unlinked"));
    }

    @Test
    void ownershipAndTheIdsOfAUser() {
        final UserRow user = user("user");
        final SessionRow session = session(user, "google", hash());

        assertThat(new SessionDao(HANDLE).belongsTo(session.id(), user.id())).isTrue();
        assertThat(new SessionDao(HANDLE).belongsTo(session.id(), UUID.randomUUID())).isFalse();
        assertThat(new SessionDao(HANDLE).idsOfUser(user.id())).containsExactly(session.id());
    }

    @Test
    void purgeDeletesOnlySessionsEndedLongerAgoThanAllowed() {
        final UserRow user = user("user");
        final SessionRow revoked = session(user, "google", hash());
        final SessionRow idle = session(user, "google", hash());
        final SessionRow live = session(user, "google", hash());
        new SessionDao(HANDLE).revoke(user.id(), revoked.id(), "logout", NOW.minus(Duration.ofDays(40)));
        HANDLE.createUpdate("UPDATE sessions SET expires_at = :at WHERE id = :id")
                .bind("at", NOW.minus(Duration.ofDays(35))).bind("id", idle.id()).execute();
        final var before = NOW.minus(Duration.ofDays(30));

        while (new SessionDao(HANDLE).purgeEnded(before, 1000) == 1000) {
            // a batch at a time
        }
        assertThat(new SessionDao(HANDLE).idsOfUser(user.id())).containsExactlyInAnyOrder(idle.id(), live.id());
        SessionDao.Sweep sweep = new SessionDao.Sweep(new UUID(0, 0), 0);
        int swept = 0;
        while (sweep.reached() != null) {
            sweep = new SessionDao(HANDLE).sweepIdle(sweep.reached(), before, 2);
            swept += sweep.deleted();
        }

        assertThat(swept).isGreaterThanOrEqualTo(1);
        assertThat(new SessionDao(HANDLE).idsOfUser(user.id())).containsExactly(live.id());
    }

    @Test
    void aRotationBindsAnUnboundSessionAndABoundOneRotatesOnlyWithItsKey() {
        final byte[] first = hash();
        final SessionRow session = session(user("user"), "google", first);
        final String key = "k".repeat(43);
        final var idle = NOW.plus(Duration.ofDays(30));

        final byte[] second = hash();
        assertThat(new SessionDao(HANDLE).rotate(session.id(), 0, first, second, new byte[] {5}, NOW, idle, Set.of(),
                false, key, null)).hasValueSatisfying(rotation -> assertThat(rotation.dpopJkt()).isEqualTo(key));
        assertThat(new SessionDao(HANDLE).rotate(session.id(), 1, second, hash(), new byte[] {5}, NOW, idle, Set.of(),
                false, null, null)).as("bound: no key").isEmpty();
        assertThat(new SessionDao(HANDLE).rotate(session.id(), 1, second, hash(), new byte[] {5}, NOW, idle, Set.of(),
                false, "o".repeat(43), null)).as("bound: another key").isEmpty();
        assertThat(new SessionDao(HANDLE).rotate(session.id(), 1, second, hash(), new byte[] {5}, NOW, idle, Set.of(),
                false, key, "another-client")).as("another client").isEmpty();
        assertThat(new SessionDao(HANDLE).rotate(session.id(), 1, second, hash(), new byte[] {5}, NOW, idle, Set.of(),
                false, key, "client")).isPresent();
    }
}
