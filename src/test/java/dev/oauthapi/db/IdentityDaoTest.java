package dev.oauthapi.db;

import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static dev.oauthapi.db.Rows.HANDLE;
import static dev.oauthapi.db.Rows.NOW;
import static dev.oauthapi.db.Rows.identity;
import static dev.oauthapi.db.Rows.in;
import static dev.oauthapi.db.Rows.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityDaoTest {
    @Test
    void anIdentityIsFoundBySubjectWithItsUserAndAllItsIdentities() {
        final UserRow user = user("user");
        final IdentityRow google = identity(user, "google");
        final IdentityRow apple = identity(user, "apple");

        assertThat(new IdentityDao(HANDLE).find("google", google.subject())).contains(google);
        assertThat(new IdentityDao(HANDLE).findWithUser("apple", apple.subject())).hasValueSatisfying(found -> {
            assertThat(found.identity()).isEqualTo(apple);
            assertThat(found.user().user()).isEqualTo(user);
            assertThat(found.user().identities()).containsExactlyInAnyOrder(google, apple);
        });
        assertThat(new IdentityDao(HANDLE).findByUsers(List.of(user.id(), UUID.randomUUID())))
                .containsExactlyInAnyOrder(google, apple);
        assertThat(new IdentityDao(HANDLE).countOfUser(user.id())).isEqualTo(2);
    }

    @Test
    void oneSubjectBelongsToOneUserAndAUserHasOneIdentityAProvider() {
        final UserRow user = user("user");
        final IdentityRow google = identity(user, "google");
        final UserRow other = user("user");

        assertThatThrownBy(() -> in(handle -> {
            new IdentityDao(handle).insert(new IdentityRow(UUID.randomUUID(), other.id(), "google", google.subject(),
                    null, false, false, NOW, NOW));
            return null;
        })).isInstanceOfSatisfying(UnableToExecuteStatementException.class,
                e -> assertThat(UniqueViolation.is(e)).isTrue());
        assertThatThrownBy(() -> identity(user, "google")).isInstanceOfSatisfying(
                UnableToExecuteStatementException.class, e -> assertThat(UniqueViolation.is(e)).isTrue());
    }

    @Test
    void aSignInKeepsAnAddressTheProviderNoLongerSends() {
        final IdentityRow google = identity(user("user"), "google");

        new IdentityDao(HANDLE).recordSignIn(google.id(), null, false, true, NOW.plusSeconds(5));

        assertThat(new IdentityDao(HANDLE).find("google", google.subject())).hasValueSatisfying(row -> {
            assertThat(row.email()).isEqualTo(google.email());
            assertThat(row.emailVerified()).isTrue();
            assertThat(row.isPrivateEmail()).isFalse();
            assertThat(row.lastSignInAt()).isEqualTo(NOW.plusSeconds(5));
        });
    }

    @Test
    void aProviderTokenIsStoredListedAndForgotten() {
        final UserRow user = user("user");
        final IdentityRow apple = identity(user, "apple");
        identity(user, "google");

        new IdentityDao(HANDLE).storeProviderToken("apple", apple.subject(), "app", new byte[] {9}, "k1", NOW);

        assertThat(new IdentityDao(HANDLE).sealedTokens(user.id(), null)).singleElement().satisfies(token -> {
            assertThat(token.provider()).isEqualTo("apple");
            assertThat(token.clientId()).isEqualTo("app");
            assertThat(token.providerTokenSealed()).containsExactly(9);
        });
        assertThat(new IdentityDao(HANDLE).sealedTokens(user.id(), "google")).isEmpty();
        new IdentityDao(HANDLE).forgetProviderToken("apple", apple.subject());
        assertThat(new IdentityDao(HANDLE).sealedTokens(user.id(), null)).isEmpty();
    }

    @Test
    void providerSwitchesAndDeletions() {
        final UserRow user = user("user");
        final IdentityRow google = identity(user, "google");
        final IdentityRow apple = identity(user, "apple");

        new IdentityDao(HANDLE).setSignInDisabled("google", google.subject(), NOW);
        assertThat(new IdentityDao(HANDLE).find("google", google.subject()))
                .hasValueSatisfying(row -> assertThat(row.signInDisabledAt()).isEqualTo(NOW));
        new IdentityDao(HANDLE).setSignInDisabled("google", google.subject(), null);
        assertThat(new IdentityDao(HANDLE).find("google", google.subject()))
                .hasValueSatisfying(row -> assertThat(row.signInDisabledAt()).isNull());

        assertThat(new IdentityDao(HANDLE).setEmailRelayDisabled("apple", apple.subject(), true)).isEqualTo(1);
        assertThat(new IdentityDao(HANDLE).deleteBySubject("apple", apple.subject())).isEqualTo(1);
        assertThat(new IdentityDao(HANDLE).delete(user.id(), "google")).isEqualTo(1);
        assertThat(new IdentityDao(HANDLE).findByUser(user.id())).isEmpty();
    }
}
