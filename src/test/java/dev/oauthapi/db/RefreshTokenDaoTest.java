package dev.oauthapi.db;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static dev.oauthapi.db.Rows.HANDLE;
import static dev.oauthapi.db.Rows.NOW;
import static dev.oauthapi.db.Rows.hash;
import static dev.oauthapi.db.Rows.legacySession;
import static dev.oauthapi.db.Rows.user;
import static org.assertj.core.api.Assertions.assertThat;

class RefreshTokenDaoTest {
    @Test
    void aRotationSupersedesTheCurrentTokenStoresTheNextAndMovesTheIdleExpiry() {
        final UserRow user = user("user");
        final byte[] first = hash();
        final SessionRow session = legacySession(user, "google", first);
        final byte[] second = hash();
        final var idle = NOW.plus(Duration.ofDays(31));

        final Optional<Rotation> rotated = new RefreshTokenDao(HANDLE)
                .rotateIfCurrent(first, new byte[] {1, 2}, second, NOW, idle);

        assertThat(rotated).contains(new Rotation(session.id(), user.id(), "client", "user", idle, null, false));
        assertThat(new RefreshTokenDao(HANDLE).findForRefresh(first)).hasValueSatisfying(old -> {
            assertThat(old.token().supersededAt()).isEqualTo(NOW);
            assertThat(old.token().successorSealed()).containsExactly(1, 2);
            assertThat(old.currentGeneration()).isEqualTo(1);
            assertThat(old.user().id()).isEqualTo(user.id());
        });
        assertThat(new RefreshTokenDao(HANDLE).findForRefresh(second))
                .hasValueSatisfying(next -> assertThat(next.token().generation()).isEqualTo(1));
    }

    @Test
    void aSupersededTokenOrAnUnknownOneRotatesNothing() {
        final UserRow user = user("user");
        final byte[] first = hash();
        legacySession(user, "google", first);
        new RefreshTokenDao(HANDLE).rotateIfCurrent(first, new byte[] {1}, hash(), NOW, NOW.plusSeconds(60));

        assertThat(new RefreshTokenDao(HANDLE).rotateIfCurrent(first, new byte[] {1}, hash(), NOW,
                NOW.plusSeconds(60))).isEmpty();
        assertThat(new RefreshTokenDao(HANDLE).findForRefresh(hash())).isEmpty();
    }

    @Test
    void theIdleExpiryNeverPassesTheAbsoluteOne() {
        final UserRow user = user("user");
        final byte[] first = hash();
        final SessionRow session = legacySession(user, "google", first);

        final Optional<Rotation> rotated = new RefreshTokenDao(HANDLE)
                .rotateIfCurrent(first, new byte[] {1}, hash(), NOW, NOW.plus(Duration.ofDays(365)));

        assertThat(rotated).hasValueSatisfying(rotation ->
                assertThat(rotation.expiresAt()).isEqualTo(session.absoluteExpiresAt()));
    }

    @Test
    void aDisabledUsersSessionDoesNotRotate() {
        final UserRow user = user("user");
        final byte[] first = hash();
        legacySession(user, "google", first);
        new UserDao(HANDLE).disable(user.id(), NOW);

        assertThat(new RefreshTokenDao(HANDLE).rotateIfCurrent(first, new byte[] {1}, hash(), NOW,
                NOW.plusSeconds(60))).isEmpty();
    }

    @Test
    void aTokenOfTheOldKindHandsItsSessionToTheSessionRow() {
        final UserRow user = user("user");
        final byte[] first = hash();
        final SessionRow session = legacySession(user, "google", first);
        final byte[] nextSecret = hash();

        final Optional<Rotation> moved = new RefreshTokenDao(HANDLE).moveToSessionIfCurrent(first, new byte[] {3}, 1,
                nextSecret, NOW, NOW.plus(Duration.ofDays(31)));

        assertThat(moved).hasValueSatisfying(rotation -> assertThat(rotation.sessionId()).isEqualTo(session.id()));
        assertThat(new SessionDao(HANDLE).lockForRefresh(session.id())).hasValueSatisfying(state -> {
            assertThat(state.generation()).isEqualTo(1);
            assertThat(state.refreshHash()).isEqualTo(nextSecret);
            assertThat(state.previousHash()).isNull();
        });
        assertThat(new RefreshTokenDao(HANDLE).findForRefresh(first)).hasValueSatisfying(old -> {
            assertThat(old.token().successorSealed()).containsExactly(3);
            assertThat(old.movedToSession()).isTrue();
            assertThat(old.currentGeneration()).as("no token row was added").isZero();
        });
        assertThat(new RefreshTokenDao(HANDLE).moveToSessionIfCurrent(first, new byte[] {3}, 1, hash(), NOW,
                NOW.plusSeconds(60))).as("only once").isEmpty();
    }
}
