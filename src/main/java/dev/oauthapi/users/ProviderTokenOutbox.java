package dev.oauthapi.users;

import dev.oauthapi.db.IdentityDao;
import dev.oauthapi.db.RevocationDao;
import dev.oauthapi.db.SealedProviderToken;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.UUID;

/**
 * Provider tokens about to be deleted with their identity go to the revocation outbox in the
 * deleting transaction: the deletion and the promise to revoke commit together or not at all.
 */
final class ProviderTokenOutbox {
    private ProviderTokenOutbox() {
    }

    /** Queues the user's sealed provider tokens: of one provider, or of all ({@code provider} null). */
    static void queue(Handle handle, UUID userId, String provider, Instant now) {
        final RevocationDao outbox = new RevocationDao(handle);
        for (SealedProviderToken token : new IdentityDao(handle).sealedTokens(userId, provider)) {
            outbox.insert(token.provider(), token.clientId(), token.providerTokenSealed(), token.providerTokenKeyId(),
                    userId, now);
        }
    }
}
