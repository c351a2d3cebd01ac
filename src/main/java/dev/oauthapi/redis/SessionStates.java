package dev.oauthapi.redis;

import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.SetParams;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * What Redis remembers about sessions, for the check every authenticated request makes: "live"
 * entries cache what PostgreSQL said for a short while; "revoked" tombstones, written when a
 * session is revoked, outlive any access token of it and win over a "live" entry written by a
 * request that raced the revocation. An empty answer sends the caller to PostgreSQL, so losing
 * Redis's data loses nothing.
 */
public final class SessionStates {
    private static final String LIVE = "oauth-api:session-live:";
    private static final String REVOKED = "oauth-api:session-revoked:";

    /** What Redis knows of one session. */
    public enum Known { LIVE, REVOKED, UNKNOWN }

    private final Redis redis;

    public SessionStates(Redis redis) {
        this.redis = redis;
    }

    public Known lookup(UUID sessionId) {
        final List<String> values = redis.call(jedis -> jedis.mget(LIVE + sessionId, REVOKED + sessionId));
        if (values.get(1) != null) {
            return Known.REVOKED;
        }
        return values.get(0) != null ? Known.LIVE : Known.UNKNOWN;
    }

    public void markLive(UUID sessionId, Duration ttl) {
        redis.call(jedis -> jedis.set(LIVE + sessionId, "1", SetParams.setParams().px(ttl.toMillis())));
    }

    public void markRevoked(Collection<UUID> sessionIds, Duration ttl) {
        if (sessionIds.isEmpty()) {
            return;
        }
        redis.call(jedis -> {
            final Pipeline pipeline = jedis.pipelined();
            for (UUID sessionId : sessionIds) {
                pipeline.set(REVOKED + sessionId, "1", SetParams.setParams().px(ttl.toMillis()));
            }
            pipeline.sync();
            return null;
        });
    }
}
