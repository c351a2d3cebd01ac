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
}
