package dev.oauthapi.redis;

import redis.clients.jedis.params.SetParams;

import java.time.Duration;

/**
 * Provider tokens that have already signed someone in, remembered until they expire, so that each
 * signs in once. Keys hold a hash of the token.
 */
public final class UsedTokenStore {
    private static final String PREFIX = "oauth-api:used-id-token:";

    private final Redis redis;

    public UsedTokenStore(Redis redis) {
        this.redis = redis;
    }

    /** Marks the token used; false when it already was. Atomic, so two concurrent uses cannot both win. */
    public boolean markUsed(String tokenHash, Duration remember) {
        // A relative lifetime: Redis's clock may differ from ours.
        return "OK".equals(redis.call(jedis ->
                jedis.set(PREFIX + tokenHash, "1", SetParams.setParams().nx().px(Math.max(1, remember.toMillis())))));
    }

    /** Undoes {@link #markUsed} when the sign-in it was for failed, so that a retry works. */
    public void forget(String tokenHash) {
        redis.call(jedis -> jedis.del(PREFIX + tokenHash));
    }
}
