package dev.oauthapi.db;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static dev.oauthapi.db.Rows.HANDLE;
import static dev.oauthapi.db.Rows.NOW;
import static dev.oauthapi.db.Rows.hash;
import static dev.oauthapi.db.Rows.identity;
import static dev.oauthapi.db.Rows.session;
import static dev.oauthapi.db.Rows.user;
import static org.assertj.core.api.Assertions.assertThat;

class UserDaoTest {
    @Test
    void aUserIsReadBackWholeAndWithItsIdentities() {
        final UserRow user = user("admin");
        final IdentityRow google = identity(user, "google");

        assertThat(new UserDao(HANDLE).find(user.id())).contains(user);
        assertThat(new UserDao(HANDLE).findWithIdentities(user.id()))
                .contains(new UserWithIdentities(user, List.of(google), 0));
        assertThat(new UserDao(HANDLE).findWithIdentities(UUID.randomUUID())).isEmpty();
    }

    @Test
    void fillingTheProfileNeverOverwritesAValue() {
        final UserRow user = user("user");

        new UserDao(HANDLE).fillEmptyProfile(user.id(), "other@example.com", false, "Grace",
                "https://example.com/g.png", NOW);

        assertThat(new UserDao(HANDLE).find(user.id())).hasValueSatisfying(row -> {
            assertThat(row.email()).isEqualTo(user.email());
            assertThat(row.emailVerified()).isTrue();
            assertThat(row.name()).isEqualTo("Ada");
            assertThat(row.avatarUrl()).isEqualTo("https://example.com/g.png");
        });
    }

    @Test
    void addressesAreFoundIgnoringCaseAndOnlyVerifiedOnesLink() {
        final UserRow user = user("user");
        final String shouted = user.email().toUpperCase(java.util.Locale.ROOT);

        assertThat(new UserDao(HANDLE).findByEmail(shouted)).extracting(UserRow::id).containsExactly(user.id());
        assertThat(new UserDao(HANDLE).findByVerifiedEmail(shouted)).extracting(UserRow::id)
                .containsExactly(user.id());
        new UserDao(HANDLE).fillEmptyProfile(user.id(), null, false, null, null, NOW);
    }

    @Test
    void roleDisableEnableAndProfileChanges() {
        final UserRow user = user("user");

        assertThat(new UserDao(HANDLE).setRole(user.id(), "superadmin", NOW)).isEqualTo(1);
        new UserDao(HANDLE).disable(user.id(), NOW);
        assertThat(new UserDao(HANDLE).find(user.id())).hasValueSatisfying(row -> {
            assertThat(row.role()).isEqualTo("superadmin");
            assertThat(row.isDisabled()).isTrue();
        });
        final int activeSuperadmins = new UserDao(HANDLE).countActiveSuperadminsLocked();
        new UserDao(HANDLE).enable(user.id(), NOW);
        assertThat(new UserDao(HANDLE).countActiveSuperadminsLocked()).isEqualTo(activeSuperadmins + 1);

        assertThat(new UserDao(HANDLE).updateProfile(user.id(), "Grace", null, NOW)).isEqualTo(1);
        assertThat(new UserDao(HANDLE).find(user.id())).hasValueSatisfying(row -> {
            assertThat(row.name()).isEqualTo("Grace");
            assertThat(row.avatarUrl()).isNull();
        });
        assertThat(new UserDao(HANDLE).updateProfile(UUID.randomUUID(), "X", null, NOW)).isZero();
    }

    @Test
    void theOverviewCountsLiveSessionsAndTheListFiltersAndPages() {
        final UserRow user = user("admin");
        identity(user, "apple");
        session(user, "apple", hash());

        assertThat(new UserDao(HANDLE).overview(user.id(), NOW)).hasValueSatisfying(row -> {
            assertThat(row.user()).isEqualTo(user);
            assertThat(row.liveSessions()).isEqualTo(1);
            assertThat(row.lastSignInAt()).isEqualTo(NOW);
        });
        final UserDao.Filter byPrefix = new UserDao.Filter(user.email().substring(0, 9), "admin", "apple", false, false);
        assertThat(new UserDao(HANDLE).page(byPrefix, null, null, 10, NOW))
                .extracting(row -> row.user().id()).containsExactly(user.id());
        assertThat(new UserDao(HANDLE).page(byPrefix, user.createdAt(), user.id(), 10, NOW))
                .as("the page after it").isEmpty();
        assertThat(new UserDao(HANDLE).page(new UserDao.Filter("100%_", null, null, null, null), null, null,
                10, NOW)).as("LIKE's wildcards match themselves").isEmpty();
    }

    @Test
    void deletingAUserTakesItsIdentitiesAndSessions() {
        final UserRow user = user("user");
        identity(user, "google");
        session(user, "google", hash());

        assertThat(new UserDao(HANDLE).delete(user.id())).isEqualTo(1);

        assertThat(new IdentityDao(HANDLE).findByUser(user.id())).isEmpty();
        assertThat(new SessionDao(HANDLE).idsOfUser(user.id())).isEmpty();
    }
}
