package dev.oauthapi.sessions;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The device list, logout and revocation, with the session check behind them: what they end, the
 * check refuses at once (the tombstone is published after commit), and what they keep, it lets in.
 */
class SessionsTest {
    static final TestStores STORES = TestStores.fresh();
    static final TestDatabase DB = new TestDatabase(STORES.environment());
    static final SessionGate GATE = STORES.gate();
    static final SessionLifecycle LIFECYCLE = STORES.lifecycle(GATE, user -> { }, false);
    static final Sessions SESSIONS = new Sessions(STORES.jdbi(), LIFECYCLE, STORES.clock());

    @AfterAll
    static void close() {
        STORES.close();
    }

    private static UUID user() {
        final UUID user = UUID.randomUUID();
        DB.execute("INSERT INTO users (id, role, created_at, updated_at) VALUES (?::uuid, 'admin', now(), now())",
                user.toString());
        return user;
    }

    private static UUID session(UUID user) {
        return LIFECYCLE.inTransaction(tx -> tx.start(new SessionLifecycle.NewSession(user, "google", "app", "ios",
                "iPhone", "1.0", "192.0.2.1", "test", null))).session().id();
    }

    private static boolean live(UUID user, UUID session) {
        return GATE.check(session, user, "test:" + UUID.randomUUID(), Duration.ofMinutes(1)).live();
    }

    @Test
    void theCheckLetsALiveSessionInWithItsUsersRoleAndCountsTheRequest() {
        final UUID user = user();
        final UUID session = session(user);

        final SessionGate.Check first = GATE.check(session, user, "test:" + user, Duration.ofMinutes(1));
        final SessionGate.Check second = GATE.check(session, user, "test:" + user, Duration.ofMinutes(1));

        assertThat(first.live()).isTrue();
        assertThat(first.role()).isEqualTo("admin");
        assertThat(second.role()).as("now from Redis").isEqualTo("admin");
        assertThat(second.counted().requests()).isEqualTo(first.counted().requests() + 1);
        assertThat(GATE.check(UUID.randomUUID(), user, "test:" + user, Duration.ofMinutes(1)).live())
                .as("a session that never was").isFalse();
    }

    @Test
    void logoutEndsTheScopeAskedForAndTheCheckRefusesItAtOnce() {
        final UUID user = user();
        final UUID current = session(user);
        final UUID other = session(user);
        assertThat(live(user, current) && live(user, other)).isTrue();

        SESSIONS.logout(user, current, Sessions.Scope.OTHERS, "192.0.2.1");

        assertThat(live(user, other)).isFalse();
        assertThat(live(user, current)).isTrue();
        assertThat(SESSIONS.live(user)).extracting(Sessions.DeviceSession::id).containsExactly(current);

        SESSIONS.logout(user, current, Sessions.Scope.CURRENT, "192.0.2.1");
        assertThat(live(user, current)).isFalse();
        assertThat(DB.one("SELECT count(*) AS n FROM audit_log WHERE user_id = ?::uuid AND event = 'logout'",
                user.toString())).containsEntry("n", 2L);
    }

    @Test
    void anotherUsersSessionIsNotFoundAndStaysLive() {
        final UUID owner = user();
        final UUID session = session(owner);
        final UUID stranger = user();

        assertThatThrownBy(() -> SESSIONS.revoke(stranger, session, stranger, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));

        assertThat(live(owner, session)).isTrue();
    }

    @Test
    void anAdminEndsEverySessionOnceAndAnEndedSessionIsNotAuditedTwice() {
        final UUID user = user();
        final List<UUID> sessions = List.of(session(user), session(user));
        final UUID admin = user();

        assertThat(SESSIONS.revokeAll(user, admin, null)).isEqualTo(2);
        SESSIONS.revoke(user, sessions.getFirst(), admin, null);

        assertThat(sessions).noneMatch(session -> live(user, session));
        assertThat(DB.one("SELECT count(*) AS n FROM audit_log WHERE user_id = ?::uuid AND event = 'session_revoked'",
                user.toString())).containsEntry("n", 1L);
        assertThatThrownBy(() -> SESSIONS.revokeAll(UUID.randomUUID(), admin, null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void aRoleChangeIsReadAgainOnTheNextCheck() {
        final UUID user = user();
        final UUID session = session(user);
        assertThat(GATE.check(session, user, "test:" + user, Duration.ofMinutes(1)).role()).isEqualTo("admin");

        LIFECYCLE.inTransaction(tx -> {
            DB.execute("UPDATE users SET role = 'user' WHERE id = ?::uuid", user.toString());
            tx.roleChanged(user);
            return null;
        });

        assertThat(GATE.check(session, user, "test:" + user, Duration.ofMinutes(1)).role()).isEqualTo("user");
    }
}
