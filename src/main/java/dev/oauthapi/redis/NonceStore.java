package dev.oauthapi.redis;

import redis.clients.jedis.params.SetParams;

import java.time.Duration;

/**
 * Sign-in nonces that have been used, each remembered until it expires, so that it works once.
 * Issued nonces are not stored at all ({@code Nonces}). Keys hold a hash, not the nonce.
 */
public final class NonceStore {
    private static final String PREFIX = "oauth-api:nonce-used:";

    private final Redis redis;

    public NonceStore(Redis redis) {
        this.redis = redis;
    }

    /** Marks the nonce used; false when it already was. Atomic: two concurrent uses cannot both win. */
    public boolean markUsed(String nonceHash, Duration remember) {
        return "OK".equals(redis.call(jedis ->
                jedis.set(PREFIX + nonceHash, "1", SetParams.setParams().nx().px(Math.max(1, remember.toMillis())))));
    }

    /** Undoes {@link #markUsed} when the sign-in it was for failed, so that a retry works. */
    public void forget(String nonceHash) {
        redis.call(jedis -> jedis.del(PREFIX + nonceHash));
    }
}
