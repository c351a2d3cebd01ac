package dev.oauthapi.redis;

import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;
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

    /**
     * KEYS: live entry, tombstone, rate counter, the user's version. ARGV: the rate window in ms, a
     * fresh version and its lifetime in ms, for a user Redis has no version of (never changed, or
     * forgotten): it gets a new one, so that no copy cached under a forgotten version can match.
     */
    private static final RedisScript LOOKUP_AND_COUNT = new RedisScript(RateLimitCounters.countInto(3) + """
            local version = redis.call('GET', KEYS[4])
            if not version then
              version = ARGV[2]
              redis.call('SET', KEYS[4], version, 'PX', ARGV[3])
            end
            return {redis.call('EXISTS', KEYS[1]), redis.call('EXISTS', KEYS[2]), count, ttl, version}""");

    /**
     * What Redis knows of a session, the request counted against a rate limit on the way, and the
     * session user's {@link UserVersions version}.
     */
    public record Lookup(Known known, RateLimitCounters.Count counted, String userVersion) {
    }

    private final Redis redis;

    public SessionStates(Redis redis) {
        this.redis = redis;
    }

    /**
     * What Redis knows of the session (a tombstone wins over a live entry), and counts this request
     * against the rate counter {@code counter}: one round trip for both, which is all an
     * authenticated request asks of Redis.
     */
    public Lookup lookupAndCount(UUID sessionId, UUID userId, String counter, Duration window) {
        final List<String> keys = List.of(LIVE + sessionId, REVOKED + sessionId, RateLimitCounters.key(counter),
                UserVersions.key(userId));
        final List<String> args = List.of(Long.toString(window.toMillis()), UserVersions.fresh(),
                Long.toString(UserVersions.LIFETIME.toMillis()));
        final List<?> values = (List<?>) redis.call(jedis -> LOOKUP_AND_COUNT.run(jedis, keys, args));
        final Known known = (Long) values.get(1) == 1L ? Known.REVOKED
                : (Long) values.get(0) == 1L ? Known.LIVE : Known.UNKNOWN;
        return new Lookup(known, RateLimitCounters.Count.of(values.get(2), values.get(3)), (String) values.get(4));
    }

    public void markLive(UUID sessionId, Duration ttl) {
        redis.call(jedis -> jedis.set(LIVE + sessionId, "1", SetParams.setParams().px(Math.max(1, ttl.toMillis()))));
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
            // A pipeline hands back refusals (a full Redis) as replies, not exceptions: a tombstone
            // that was not written must not pass for one that was.
            for (Object reply : pipeline.syncAndReturnAll()) {
                if (reply instanceof JedisDataException refused) {
                    throw refused;
                }
            }
            return null;
        });
    }
}
