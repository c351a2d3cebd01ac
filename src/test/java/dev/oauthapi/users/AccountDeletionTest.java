package dev.oauthapi.users;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.identity.Provider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static dev.oauthapi.users.AccountStores.gmail;
import static dev.oauthapi.users.AccountStores.subject;
import static dev.oauthapi.users.AccountStores.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one deletion: everything of the account goes in one transaction, the audit row and the outbox stay. */
class AccountDeletionTest {
    static final AccountStores ACCOUNTS = new AccountStores();

    @AfterAll
    static void close() {
        ACCOUNTS.close();
    }

    @Test
    void theOwnersDeletionTakesEverythingButTheAuditRowAndQueuesProviderTokens() {
        final String address = gmail();
        final var apple = token(Provider.APPLE, subject(), address);
        final UUID user = ACCOUNTS.signIn(token(Provider.GOOGLE, subject(), address)).user().id();
        ACCOUNTS.signIn(apple);
        ACCOUNTS.db.execute("UPDATE identities SET client_id = 'apple-client', provider_token_sealed = '\\x01'::bytea,"
                + " provider_token_key_id = 'k1' WHERE subject = ?", apple.subject());
        ACCOUNTS.published.clear();

        ACCOUNTS.deletion.deleteOwn(user, "192.0.2.9");

        final String id = user.toString();
        assertThat(ACCOUNTS.count("users WHERE id = ?::uuid", id)).isZero();
        assertThat(ACCOUNTS.count("identities WHERE user_id = ?::uuid", id)).isZero();
        assertThat(ACCOUNTS.count("sessions WHERE user_id = ?::uuid", id)).isZero();
        assertThat(ACCOUNTS.count("provider_revocations WHERE user_id = ?::uuid", id)).isEqualTo(1);
        final Map<String, Object> audit = ACCOUNTS.db.one("SELECT actor_id::text AS actor, details->>'sessionsEnded' AS ended,"
                + " jsonb_array_length(details->'providers') AS providers FROM audit_log"
                + " WHERE user_id = ?::uuid AND event = 'account_deleted'", id);
        assertThat(audit).containsEntry("actor", id).containsEntry("ended", "2").containsEntry("providers", 2);
        assertThat(ACCOUNTS.published).containsExactly(user);
    }

    @Test
    void anAccountAlreadyGoneIsATokenNoLongerGoodAndChangesNothing() {
        final long audited = ACCOUNTS.count("audit_log");

        assertThatThrownBy(() -> ACCOUNTS.deletion.deleteOwn(UUID.randomUUID(), null))
                .isInstanceOfSatisfying(ApiException.class,
                        refused -> assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_TOKEN));

        assertThat(ACCOUNTS.count("audit_log")).isEqualTo(audited);
    }

    @Test
    void aDeletionThatFailsLeavesTheAccountWhole() {
        final UUID user = ACCOUNTS.signIn(token(Provider.GOOGLE, subject(), gmail())).user().id();

        assertThatThrownBy(() -> ACCOUNTS.lifecycle.inTransaction(tx -> {
            ACCOUNTS.deletion.delete(tx, user, null, Map.of("by", "test"), null);
            throw new IllegalStateException("after the deletion, before commit");
        })).hasMessageContaining("before commit");

        assertThat(ACCOUNTS.count("users WHERE id = ?::uuid", user.toString())).isEqualTo(1);
        assertThat(ACCOUNTS.count("sessions WHERE user_id = ?::uuid AND revoked_at IS NULL", user.toString())).isEqualTo(1);
        assertThat(ACCOUNTS.count("audit_log WHERE user_id = ?::uuid AND event = 'account_deleted'", user.toString()))
                .isZero();
    }
}
