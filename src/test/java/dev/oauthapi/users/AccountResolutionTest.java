package dev.oauthapi.users;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.identity.VerifiedIdToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static dev.oauthapi.users.AccountStores.gmail;
import static dev.oauthapi.users.AccountStores.subject;
import static dev.oauthapi.users.AccountStores.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The three steps a sign-in resolves an account by, on the real changelog; only the HTTP layer is left out. */
class AccountResolutionTest {
    static final AccountStores ACCOUNTS = new AccountStores();

    @AfterAll
    static void close() {
        ACCOUNTS.close();
    }

    @BeforeEach
    void forgetPublished() {
        ACCOUNTS.published.clear();
    }

    @Test
    void anUnknownIdentityMakesANewUserWithASessionAndNothingToPublish() {
        final VerifiedIdToken token = token(Provider.GOOGLE, subject(), gmail());

        final SignedIn signedIn = ACCOUNTS.signIn(token);

        assertThat(signedIn.isNewUser()).isTrue();
        assertThat(signedIn.user().email()).isEqualTo(token.email());
        assertThat(signedIn.user().emailVerified()).as("Gmail is Google's to vouch for").isTrue();
        assertThat(signedIn.user().identities()).extracting(LinkedIdentity::provider).containsExactly("google");
        assertThat(signedIn.refreshToken()).isNotBlank();
        final String user = signedIn.user().id().toString();
        assertThat(ACCOUNTS.count("sessions WHERE user_id = ?::uuid AND provider = 'google'", user)).isEqualTo(1);
        assertThat(ACCOUNTS.db.one("SELECT details->>'newUser' AS new FROM audit_log WHERE user_id = ?::uuid"
                + " AND event = 'sign_in'", user)).containsEntry("new", "true");
        assertThat(ACCOUNTS.published).as("nobody can hold a copy of a new profile").isEmpty();
    }

    @Test
    void aKnownIdentitySignsInToItsUserAndPublishesOnlyWhatChanged() {
        final VerifiedIdToken token = token(Provider.GOOGLE, subject(), gmail());
        final SignedIn first = ACCOUNTS.signIn(token);
        ACCOUNTS.published.clear();

        final SignedIn again = ACCOUNTS.signIn(token);

        assertThat(again.isNewUser()).isFalse();
        assertThat(again.user().id()).isEqualTo(first.user().id());
        assertThat(again.sessionId()).isNotEqualTo(first.sessionId());
        assertThat(ACCOUNTS.published).as("the same claims change no profile").isEmpty();

        final String newAddress = gmail();
        final SignedIn moved = ACCOUNTS.signIn(new VerifiedIdToken(token.provider(), token.subject(), token.clientId(),
                newAddress, true, false, null, null, null, null, Instant.now(), Instant.now().plusSeconds(600)));

        assertThat(moved.user().identities()).extracting(LinkedIdentity::email).containsExactly(newAddress);
        assertThat(ACCOUNTS.published).containsExactly(first.user().id());
    }

    @Test
    void aNewIdentityJoinsTheOneUserItsAuthoritativeEmailNames() {
        final String address = gmail();
        final SignedIn google = ACCOUNTS.signIn(token(Provider.GOOGLE, subject(), address));
        ACCOUNTS.published.clear();

        final SignedIn apple = ACCOUNTS.signIn(token(Provider.APPLE, subject(), address));

        assertThat(apple.user().id()).isEqualTo(google.user().id());
        assertThat(apple.isNewUser()).isFalse();
        assertThat(apple.user().identities()).extracting(LinkedIdentity::provider)
                .containsExactlyInAnyOrder("google", "apple");
        assertThat(ACCOUNTS.db.one("SELECT details->>'linkedBy' AS by FROM audit_log WHERE session_id = ?::uuid",
                apple.sessionId().toString())).containsEntry("by", "email");
        assertThat(ACCOUNTS.published).containsExactly(google.user().id());
    }

    @Test
    void anAddressGoogleOnlySawVerifiedLinksNothing() {
        final String address = "u" + subject().substring(0, 8) + "@example.com";
        final SignedIn apple = ACCOUNTS.signIn(token(Provider.APPLE, subject(), address));

        final SignedIn google = ACCOUNTS.signIn(token(Provider.GOOGLE, subject(), address));

        assertThat(google.isNewUser()).isTrue();
        assertThat(google.user().id()).isNotEqualTo(apple.user().id());
        assertThat(google.user().emailVerified()).isFalse();
    }

    @Test
    void aDisabledAccountSignsInNowhereAndGetsNoSession() {
        final VerifiedIdToken token = token(Provider.APPLE, subject(), null);
        final SignedIn first = ACCOUNTS.signIn(token);
        ACCOUNTS.db.execute("UPDATE users SET disabled_at = now() WHERE id = ?::uuid", first.user().id().toString());

        assertThatThrownBy(() -> ACCOUNTS.signIn(token)).isInstanceOfSatisfying(ApiException.class,
                refused -> assertThat(refused.code()).isEqualTo(ErrorCode.ACCOUNT_DISABLED));

        assertThat(ACCOUNTS.count("sessions WHERE user_id = ?::uuid", first.user().id().toString())).isEqualTo(1);
    }

    @Test
    void anIdentityItsProviderDisabledSignsInNowhere() {
        final VerifiedIdToken token = token(Provider.GOOGLE, subject(), gmail());
        final SignedIn first = ACCOUNTS.signIn(token);
        ACCOUNTS.db.execute("UPDATE identities SET sign_in_disabled_at = now() WHERE subject = ?", token.subject());

        assertThatThrownBy(() -> ACCOUNTS.signIn(token)).isInstanceOfSatisfying(ApiException.class,
                refused -> assertThat(refused.code()).isEqualTo(ErrorCode.ACCOUNT_DISABLED));
        assertThat(ACCOUNTS.count("sessions WHERE user_id = ?::uuid", first.user().id().toString())).isEqualTo(1);
    }

    @Test
    void theNameTheAppPassedFillsAnEmptyProfileAndAPlainHttpPictureIsDropped() {
        final VerifiedIdToken token = new VerifiedIdToken(Provider.APPLE, subject(), "apple-client", null, false, false,
                null, null, "http://example.com/p.png", null, Instant.now(), Instant.now().plusSeconds(600));

        final SignedIn signedIn = ACCOUNTS.resolution.signIn(token, "  Grace Hopper  ", AccountStores.PHONE);

        assertThat(signedIn.user().name()).isEqualTo("Grace Hopper");
        assertThat(signedIn.user().avatarUrl()).isNull();
    }
}
