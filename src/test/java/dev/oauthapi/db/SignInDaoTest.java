package dev.oauthapi.db;

import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.UUID;

import static dev.oauthapi.db.Rows.HANDLE;
import static dev.oauthapi.db.Rows.NOW;
import static dev.oauthapi.db.Rows.hash;
import static dev.oauthapi.db.Rows.identity;
import static dev.oauthapi.db.Rows.in;
import static dev.oauthapi.db.Rows.newSession;
import static dev.oauthapi.db.Rows.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignInDaoTest {
    private static UserRow newUser() {
        final UUID id = UUID.randomUUID();
        return new UserRow(id, "n" + id.toString().substring(0, 8) + "@example.com", true, "Grace", null, "user",
                null, NOW, NOW, false);
    }

    private static IdentityRow newIdentity(UserRow user, String subject) {
        return new IdentityRow(UUID.randomUUID(), user.id(), "google", subject, user.email(), true, false, NOW, NOW);
    }

    private static long count(String sql, UUID id) {
        return HANDLE.createQuery(sql).bind("id", id).mapTo(Long.class).one();
    }

    @Test
    void aKnownIdentitySignsInInOneStatementUnlessItsUserIsDisabled() {
        final UserRow user = user("user");
        final IdentityRow identity = identity(user, "google");
        final SessionRow session = newSession(user, "google");

        final Optional<SignInDao.KnownIdentity> known = in(handle -> new SignInDao(handle).signIn(identity.subject(), "new@example.com", true, false,
                session, hash(), null, "sign_in", "req-2", "{}"));

        assertThat(known).hasValueSatisfying(k -> {
            assertThat(k.started()).isTrue();
            assertThat(k.found().identity()).isEqualTo(identity);
        });
        assertThat(new SessionDao(HANDLE).find(session.id())).isPresent();
        assertThat(new IdentityDao(HANDLE).find("google", identity.subject()))
                .hasValueSatisfying(now -> assertThat(now.email()).isEqualTo("new@example.com"));
        final Optional<SignInDao.KnownIdentity> unknown = in(handle -> new SignInDao(handle).signIn(
                "nobody-" + UUID.randomUUID(), null, false, false, newSession(user, "google"), hash(), null, "sign_in",
                null, "{}"));
        assertThat(unknown).isEmpty();

        HANDLE.createUpdate("UPDATE users SET disabled_at = now() WHERE id = :id").bind("id", user.id()).execute();
        final SessionRow refused = newSession(user, "google");
        final Optional<SignInDao.KnownIdentity> disabled = in(handle -> new SignInDao(handle).signIn(
                identity.subject(), null, false, false, refused, hash(), null, "sign_in", null, "{}"));
        assertThat(disabled).hasValueSatisfying(k -> assertThat(k.started()).isFalse());
        assertThat(new SessionDao(HANDLE).find(refused.id())).isEmpty();
    }

    @Test
    void aNewUserIsStoredWithItsIdentitySessionAndAuditRowInOneStatement() {
        final UserRow user = newUser();
        final IdentityRow identity = newIdentity(user, UUID.randomUUID().toString());
        final SessionRow session = newSession(user, "google");
        final byte[] secret = hash();

        in(handle -> {
            new SignInDao(handle).signUp(user, identity, session, secret, null, "sign_in", "req-1",
                    "{\"provider\":\"google\",\"newUser\":true}");
            return null;
        });

        assertThat(new UserDao(HANDLE).find(user.id())).contains(user);
        assertThat(new IdentityDao(HANDLE).find("google", identity.subject())).contains(identity);
        assertThat(new SessionDao(HANDLE).find(session.id())).contains(session);
        assertThat(new SessionDao(HANDLE).lockForRefresh(session.id()))
                .hasValueSatisfying(state -> assertThat(state.refreshHash()).isEqualTo(secret));
        assertThat(HANDLE.createQuery("SELECT event || ' ' || request_id || ' ' || (details->>'newUser')"
                        + " FROM audit_log WHERE session_id = :id").bind("id", session.id()).mapTo(String.class).one())
                .isEqualTo("sign_in req-1 true");
    }

    @Test
    void aNewUserOfAnOlderReleasesKindGetsItsFirstRefreshTokenAsARow() {
        final UserRow user = newUser();
        final SessionRow session = newSession(user, "google");

        in(handle -> {
            new SignInDao(handle).signUp(user, newIdentity(user, UUID.randomUUID().toString()), session, null,
                    hash(), "sign_in", null, "{}");
            return null;
        });

        assertThat(count("SELECT count(*) FROM refresh_tokens WHERE session_id = :id", session.id())).isOne();
    }

    @Test
    void anIdentityTakenMeanwhileStoresNothingOfTheNewUser() {
        final IdentityRow taken = identity(user("user"), "google");
        final UserRow user = newUser();
        final SessionRow session = newSession(user, "google");

        assertThatThrownBy(() -> in(handle -> {
            new SignInDao(handle).signUp(user, newIdentity(user, taken.subject()), session, hash(), null, "sign_in",
                    null, "{}");
            return null;
        })).isInstanceOf(UnableToExecuteStatementException.class).matches(e ->
                UniqueViolation.is((UnableToExecuteStatementException) e));

        assertThat(count("SELECT count(*) FROM users WHERE id = :id", user.id())).isZero();
        assertThat(count("SELECT count(*) FROM sessions WHERE id = :id", session.id())).isZero();
        assertThat(count("SELECT count(*) FROM audit_log WHERE session_id = :id", session.id())).isZero();
    }

    @Test
    void aPasskeySignInMovesTheCounterStartsTheSessionAndReadsTheUserInOneStatement() {
        final UserRow user = user("user");
        final IdentityRow google = identity(user, "google");
        final PasskeyRow passkey = new PasskeyRow(UUID.randomUUID(), user.id(), hash(), new byte[] {1}, -7, 3, "",
                false, false, null, null, NOW, null);
        new PasskeyDao(HANDLE).insert(passkey);
        final SessionRow session = newSession(user, "passkey");

        final Optional<SignInDao.PasskeySignIn> signedIn = in(handle -> new SignInDao(handle).signInWithPasskey(
                passkey.id(), 3, 4, false, session, hash(), null, "sign_in", "req-3", "{}"));

        assertThat(signedIn).hasValueSatisfying(found -> {
            assertThat(found.started()).isTrue();
            assertThat(found.user().identities()).containsExactly(google);
            assertThat(found.user().passkeys()).isEqualTo(1);
        });
        assertThat(count("SELECT count(*) FROM sessions WHERE id = :id AND passkey_id IS NOT NULL", session.id())).isOne();
        assertThat(count("SELECT sign_count FROM passkeys WHERE id = :id", passkey.id())).isEqualTo(4);

        final SessionRow twin = newSession(user, "passkey");
        final Optional<SignInDao.PasskeySignIn> replayed = in(handle -> new SignInDao(handle).signInWithPasskey(
                passkey.id(), 3, 4, false, twin, hash(), null, "sign_in", null, "{}"));
        assertThat(replayed).hasValueSatisfying(found -> assertThat(found.started()).as("the counter moved").isFalse());
        assertThat(count("SELECT count(*) FROM sessions WHERE id = :id", twin.id())).isZero();

        HANDLE.createUpdate("UPDATE users SET disabled_at = now() WHERE id = :id").bind("id", user.id()).execute();
        final SessionRow refused = newSession(user, "passkey");
        final Optional<SignInDao.PasskeySignIn> disabled = in(handle -> new SignInDao(handle).signInWithPasskey(
                passkey.id(), 4, 5, false, refused, hash(), null, "sign_in", null, "{}"));
        assertThat(disabled).hasValueSatisfying(found -> assertThat(found.started()).isFalse());
        assertThat(count("SELECT sign_count FROM passkeys WHERE id = :id", passkey.id()))
                .as("a refused sign-in moves nothing").isEqualTo(4);
    }
}
