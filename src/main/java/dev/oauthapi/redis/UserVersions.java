package dev.oauthapi.redis;

import redis.clients.jedis.params.SetParams;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A version per user, replaced whenever something its profile shows changes, so that copies of the
 * profile cached on any instance can be checked in the Redis round trip every authenticated
 * request makes anyway ({@link SessionStates#lookupAndCount}), which also gives a user Redis has
 * no version of a fresh one. Random, not a counter: a version that expired or was lost can never
 * come back and match a stale copy.
 */
public final class UserVersions {
    private static final String PREFIX = "oauth-api:user-version:";
    /**
     * Ten times as long as a cached copy lives (so a copy is never lost to an expired version while
     * it could be used), yet short enough that Redis keeps a key only for users active lately.
     */
    static final Duration LIFETIME = Duration.ofMinutes(10);

    private final Redis redis;

    public UserVersions(Redis redis) {
        this.redis = redis;
    }

    static String key(UUID userId) {
        return PREFIX + UserSlot.tag(userId);
    }

    /** Gives the user a new version: every cached copy of its profile stops matching. */
    public void replace(UUID userId) {
        redis.call(jedis -> jedis.set(key(userId), fresh(), SetParams.setParams().px(LIFETIME.toMillis())));
    }

    /** 128 random bits: unique is all a version must be (it guards no secret), so no SecureRandom. */
    static String fresh() {
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
    }
}
