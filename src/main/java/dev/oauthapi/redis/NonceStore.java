package dev.oauthapi.redis;

import redis.clients.jedis.params.SetParams;

import java.time.Duration;

/** Sign-in nonces we handed out, each usable once until it expires. Keys hold a hash, not the nonce. */
public final class NonceStore {
    private static final String PREFIX = "oauth-api:nonce:";

    private final Redis redis;

    public NonceStore(Redis redis) {
        this.redis = redis;
    }

    public void save(String nonceHash, Duration ttl) {
        redis.call(jedis -> jedis.set(PREFIX + nonceHash, "1", SetParams.setParams().nx().px(ttl.toMillis())));
    }

    /** Takes the nonce: true exactly once for a nonce we issued and that has not expired. */
    public boolean consume(String nonceHash) {
        return redis.call(jedis -> jedis.del(PREFIX + nonceHash)) == 1L;
    }
}
