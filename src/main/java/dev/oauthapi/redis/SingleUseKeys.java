package dev.oauthapi.redis;

import redis.clients.jedis.params.SetParams;

import java.time.Duration;

/**
 * Values that work once, each remembered from its first use until it would have expired anyway:
 * browser sign-in states (a sign-in's provider token and nonce are {@link SignInMarks}). One set
 * per use, each under its own prefix. Keys hold a hash of the value, never the value.
 */
public final class SingleUseKeys {
    /** Browser sign-in states that came back (short: a flood of junk callbacks leaves one each). */
    public static final String WEB_STATES = "oauth-api:wsu:";
    /** DPoP proofs' {@code jti}s, per key, for the proof lifetime: a proof works once. */
    public static final String DPOP_PROOFS = "oauth-api:dpop:";
    /** Guests' merge tokens that were spent, for their lifetime: a merge happens once. */
    public static final String MERGE_TOKENS = "oauth-api:merge:";

    private final Redis redis;
    private final String prefix;

    public SingleUseKeys(Redis redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    /** Marks the value used; false when it already was. Atomic: two concurrent uses cannot both win. */
    public boolean markUsed(String hash, Duration remember) {
        // A relative lifetime: Redis's clock may differ from ours.
        return "OK".equals(redis.call(jedis -> jedis.set(prefix + hash, "1",
                SetParams.setParams().nx().px(Math.max(1, remember.toMillis())))));
    }

    /** Whether the value was used: a read, for a check that must not itself remember anything. */
    public boolean isUsed(String hash) {
        return redis.call(jedis -> jedis.exists(prefix + hash));
    }

    /** Undoes {@link #markUsed} when the work it was for failed, so that a retry works. */
    public void forget(String hash) {
        redis.call(jedis -> jedis.del(prefix + hash));
    }
}
