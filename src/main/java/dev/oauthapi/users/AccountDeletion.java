package dev.oauthapi.users;

import dev.oauthapi.db.IdentityDao;
import dev.oauthapi.db.IdentityRow;
import dev.oauthapi.db.UserDao;
import dev.oauthapi.sessions.Audit;
import dev.oauthapi.sessions.SessionLifecycle;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The one deletion of an account, whoever asks: its owner, an admin or the command line, or the
 * provider telling us the account's last identity is gone. The user, its identities and its
 * sessions go in one transaction; every access token of it stops working on the next request; its
 * provider tokens go to the revocation outbox. The audit row outlives it.
 */
public final class AccountDeletion {
    private final SessionLifecycle lifecycle;
    private final Clock clock;

    public AccountDeletion(SessionLifecycle lifecycle, Clock clock) {
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    /** The owner deletes their own account. */
    public void deleteOwn(UUID userId, String ipAddress) {
        lifecycle.inTransaction(tx -> {
            new UserDao(tx.handle()).lock(userId).orElseThrow(Profiles::userGone);
            delete(tx, userId, userId, Map.of(), ipAddress);
            return null;
        });
    }

    /**
     * Deletes the account inside the caller's transaction, which has locked the user's row and
     * decided that {@code actorId} (null: a provider) may.
     *
     * @param details what the audit row says of the actor, beside what was deleted
     */
    public void delete(SessionLifecycle.Transaction tx, UUID userId, UUID actorId, Map<String, ?> details,
                       String ipAddress) {
        final List<String> providers = new IdentityDao(tx.handle()).findByUser(userId).stream()
                .map(IdentityRow::provider).toList();
        final int ended = tx.endForDeletion(userId);
        ProviderTokenOutbox.queue(tx.handle(), userId, null, clock.instant());
        new UserDao(tx.handle()).delete(userId);
        final Map<String, Object> audited = new LinkedHashMap<>(details);
        audited.put("providers", providers);
        audited.put("sessionsEnded", ended);
        tx.audit(Audit.Event.ACCOUNT_DELETED, userId, actorId, null, ipAddress, audited);
        tx.profileChanged(userId);
    }
}
