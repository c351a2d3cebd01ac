package dev.oauthapi.admin;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestStores;
import dev.oauthapi.tokens.Roles;
import dev.oauthapi.users.AccountDeletion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An admin whose role was taken away acts no more, even with a request that was let in as an
 * admin just before: every change to another account reads the actor's row again under a lock and
 * requires the role there, not the one the request carried.
 */
class AccountAdministrationTest {
    static final TestStores STORES = TestStores.fresh();
    static final TestDatabase DB = new TestDatabase(STORES.environment());
    static final AccountAdministration ACCOUNTS = administration();

    private static AccountAdministration administration() {
        final var lifecycle = STORES.lifecycle(userId -> { });
        return new AccountAdministration(STORES.jdbi(), lifecycle, new AccountDeletion(lifecycle, STORES.clock()),
                STORES.clock());
    }

    @AfterAll
    static void close() {
        STORES.close();
    }

    private static UUID user(String role) {
        final UUID id = UUID.randomUUID();
        DB.execute("INSERT INTO users (id, email, email_verified, role, created_at, updated_at)"
                + " VALUES (?::uuid, ?, true, ?, now(), now())", id.toString(), id + "@example.com", role);
        return id;
    }

    @Test
    void anAdminDemotedSinceTheirRequestWasLetInCannotDisableEnableOrDelete() {
        final UUID demoted = user("user"); // an admin a moment ago, when their request was let in
        final Actor asLetIn = Actor.signedIn(demoted, Roles.ADMIN);
        final UUID target = user("user");

        for (Runnable change : new Runnable[] {
                () -> ACCOUNTS.update(target, asLetIn, null, true, "192.0.2.1"),
                () -> ACCOUNTS.update(target, asLetIn, null, false, "192.0.2.1"),
                () -> ACCOUNTS.delete(target, asLetIn, "192.0.2.1")}) {
            assertThatThrownBy(change::run).isInstanceOfSatisfying(ApiException.class,
                    refused -> assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN));
        }

        assertThat(DB.one("SELECT disabled_at FROM users WHERE id = ?::uuid", target.toString()))
                .containsEntry("disabled_at", null);
        assertThat(DB.one("SELECT count(*) AS n FROM audit_log WHERE user_id = ?::uuid", target.toString()))
                .containsEntry("n", 0L);
    }

    @Test
    void anAdminStillAnAdminMayDisable() {
        final UUID admin = user("admin");
        final UUID target = user("user");

        ACCOUNTS.update(target, Actor.signedIn(admin, Roles.ADMIN), null, true, "192.0.2.1");

        assertThat(DB.one("SELECT disabled_at IS NOT NULL AS disabled FROM users WHERE id = ?::uuid", target.toString()))
                .containsEntry("disabled", true);
    }

    @Test
    void theLastActiveSuperadminKeepsTheRoleStaysEnabledAndIsNotDeleted() {
        DB.execute("UPDATE users SET role = 'admin' WHERE role = 'superadmin'");
        final UUID last = user("superadmin");

        for (Runnable change : new Runnable[] {
                () -> ACCOUNTS.update(last, Actor.commandLine(), Roles.USER, null, null),
                () -> ACCOUNTS.update(last, Actor.commandLine(), null, true, null),
                () -> ACCOUNTS.delete(last, Actor.commandLine(), null)}) {
            assertThatThrownBy(change::run).isInstanceOfSatisfying(ApiException.class,
                    refused -> assertThat(refused.code()).isEqualTo(ErrorCode.LAST_SUPERADMIN));
        }
        assertThat(DB.one("SELECT role, disabled_at FROM users WHERE id = ?::uuid", last.toString()))
                .containsEntry("role", "superadmin").containsEntry("disabled_at", null);
    }

    @Test
    void nobodyChangesTheirOwnRoleAndAnAdminManagesNoSuperadmin() {
        final UUID superadmin = user("superadmin");
        user("superadmin"); // not the last
        final UUID admin = user("admin");

        assertThatThrownBy(() -> ACCOUNTS.update(superadmin, Actor.signedIn(superadmin, Roles.SUPERADMIN), Roles.USER,
                null, null)).isInstanceOfSatisfying(ApiException.class,
                refused -> assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> ACCOUNTS.update(superadmin, Actor.signedIn(admin, Roles.ADMIN), null, true, null))
                .isInstanceOfSatisfying(ApiException.class,
                        refused -> assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> ACCOUNTS.update(user("user"), Actor.signedIn(admin, Roles.ADMIN), Roles.ADMIN, null,
                null)).as("roles are a superadmin's to give").isInstanceOfSatisfying(ApiException.class,
                refused -> assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN));
    }

    @Test
    void theCommandLineDeletesAnyoneAndTheAuditRowNamesTheOperator() {
        final UUID target = user("admin");

        ACCOUNTS.delete(target, Actor.commandLine(), null);

        assertThat(DB.one("SELECT count(*) AS n FROM users WHERE id = ?::uuid", target.toString())).containsEntry("n", 0L);
        assertThat(DB.one("SELECT actor_id, details->>'by' AS by FROM audit_log WHERE user_id = ?::uuid"
                + " AND event = 'account_deleted'", target.toString()))
                .containsEntry("actor_id", null).containsEntry("by", "command line");
    }

    @Test
    void aRoleChangeIsAuditedWithTheOldRoleAndAChangeToWhatItIsIsNone() {
        final UUID superadmin = user("superadmin");
        final UUID target = user("user");

        final var promoted = ACCOUNTS.update(target, Actor.signedIn(superadmin, Roles.SUPERADMIN), Roles.ADMIN, null, null);
        ACCOUNTS.update(target, Actor.signedIn(superadmin, Roles.SUPERADMIN), Roles.ADMIN, false, null);

        assertThat(promoted.role()).isEqualTo("admin");
        assertThat(DB.one("SELECT count(*) AS n, max(details->>'previousRole') AS was FROM audit_log"
                + " WHERE user_id = ?::uuid", target.toString())).containsEntry("n", 1L).containsEntry("was", "user");
    }
}
