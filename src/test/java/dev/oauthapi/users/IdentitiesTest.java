package dev.oauthapi.users;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.identity.Provider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static dev.oauthapi.users.AccountStores.gmail;
import static dev.oauthapi.users.AccountStores.subject;
import static dev.oauthapi.users.AccountStores.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Linking and unlinking provider accounts: the refusals leave nothing behind, the changes are published. */
class IdentitiesTest {
    static final AccountStores ACCOUNTS = new AccountStores();

    @AfterAll
    static void close() {
        ACCOUNTS.close();
    }

    @BeforeEach
    void forgetPublished() {
        ACCOUNTS.published.clear();
    }

    private static UUID googleUser() {
        return ACCOUNTS.signIn(token(Provider.GOOGLE, subject(), gmail())).user().id();
    }

    @Test
    void linkingAddsTheIdentityOnceAndPublishesTheChange() {
        final UUID user = googleUser();
        final var apple = token(Provider.APPLE, subject(), null);

        final UserProfile linked = ACCOUNTS.identities.link(user, apple, null, "192.0.2.1");
        final UserProfile again = ACCOUNTS.identities.link(user, apple, null, "192.0.2.1");

        assertThat(linked.identities()).extracting(LinkedIdentity::provider).containsExactlyInAnyOrder("google", "apple");
        assertThat(again).isEqualTo(linked);
        assertThat(ACCOUNTS.published).containsExactly(user);
        assertThat(ACCOUNTS.count("audit_log WHERE user_id = ?::uuid AND event = 'identity_linked'", user.toString()))
                .isEqualTo(1);
    }

    @Test
    void anIdentityOfAnotherUserOrASecondOfOneProviderIsRefusedAndNothingChanges() {
        final UUID user = googleUser();
        final var someoneElses = token(Provider.APPLE, subject(), null);
        ACCOUNTS.signIn(someoneElses);
        ACCOUNTS.published.clear();

        for (var token : new Object[] {someoneElses, token(Provider.GOOGLE, subject(), gmail())}) {
            assertThatThrownBy(() -> ACCOUNTS.identities.link(user, (dev.oauthapi.identity.VerifiedIdToken) token, null,
                    null)).isInstanceOfSatisfying(ApiException.class,
                    refused -> assertThat(refused.code()).isEqualTo(ErrorCode.IDENTITY_ALREADY_LINKED));
        }

        assertThat(ACCOUNTS.count("identities WHERE user_id = ?::uuid", user.toString())).isEqualTo(1);
        assertThat(ACCOUNTS.published).isEmpty();
    }

    @Test
    void unlinkingEndsTheProvidersSessionsAndKeepsTheOthers() {
        final String address = gmail();
        final SignedIn google = ACCOUNTS.signIn(token(Provider.GOOGLE, subject(), address));
        final SignedIn apple = ACCOUNTS.signIn(token(Provider.APPLE, subject(), address));
        ACCOUNTS.published.clear();

        final UserProfile left = ACCOUNTS.identities.unlink(google.user().id(), Provider.APPLE, "192.0.2.1");

        assertThat(left.identities()).extracting(LinkedIdentity::provider).containsExactly("google");
        assertThat(ACCOUNTS.db.one("SELECT revoked_reason FROM sessions WHERE id = ?::uuid", apple.sessionId().toString()))
                .containsEntry("revoked_reason", "identity_unlinked");
        assertThat(ACCOUNTS.db.one("SELECT revoked_at FROM sessions WHERE id = ?::uuid", google.sessionId().toString()))
                .containsEntry("revoked_at", null);
        assertThat(ACCOUNTS.published).containsExactly(google.user().id());
    }

    @Test
    void theLastIdentityAndAnUnlinkedProviderStay() {
        final UUID user = googleUser();

        assertThatThrownBy(() -> ACCOUNTS.identities.unlink(user, Provider.GOOGLE, null))
                .isInstanceOfSatisfying(ApiException.class,
                        refused -> assertThat(refused.code()).isEqualTo(ErrorCode.LAST_IDENTITY));
        assertThatThrownBy(() -> ACCOUNTS.identities.unlink(user, Provider.APPLE, null))
                .isInstanceOfSatisfying(ApiException.class,
                        refused -> assertThat(refused.code()).isEqualTo(ErrorCode.NOT_FOUND));

        assertThat(ACCOUNTS.count("identities WHERE user_id = ?::uuid", user.toString())).isEqualTo(1);
        assertThat(ACCOUNTS.count("sessions WHERE user_id = ?::uuid AND revoked_at IS NULL", user.toString())).isEqualTo(1);
        assertThat(ACCOUNTS.published).isEmpty();
    }

    @Test
    void aDeletedUserLinksNothing() {
        assertThatThrownBy(() -> ACCOUNTS.identities.link(UUID.randomUUID(), token(Provider.APPLE, subject(), null),
                null, null)).isInstanceOfSatisfying(ApiException.class,
                refused -> assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
    }
}
