package dev.oauthapi.db;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static dev.oauthapi.db.Rows.HANDLE;
import static dev.oauthapi.db.Rows.NOW;
import static dev.oauthapi.db.Rows.hash;
import static dev.oauthapi.db.Rows.session;
import static dev.oauthapi.db.Rows.user;
import static org.assertj.core.api.Assertions.assertThat;

class SessionDaoTest {
    @Test
    void aSessionIsStoredWithItsFirstRefreshTokenAndReadBackWhole() {
        final UserRow user = user("user");
        final byte[] token = hash();
        final SessionRow session = session(user, "google", token);

        assertThat(new SessionDao(HANDLE).find(session.id())).contains(session);
        assertThat(new RefreshTokenDao(HANDLE).findForRefresh(token))
                .hasValueSatisfying(found -> assertThat(found.token().generation()).isZero());
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
        final SessionRow ended = session(user, "google", hash());
        final SessionRow live = session(user, "google", hash());
        new SessionDao(HANDLE).revoke(user.id(), ended.id(), "logout", NOW.minus(Duration.ofDays(40)));

        int purged;
        do {
            purged = new SessionDao(HANDLE).purge(NOW.minus(Duration.ofDays(30)), 1000);
        } while (purged == 1000);

        final List<UUID> left = new SessionDao(HANDLE).idsOfUser(user.id());
        assertThat(left).containsExactly(live.id());
    }
}
