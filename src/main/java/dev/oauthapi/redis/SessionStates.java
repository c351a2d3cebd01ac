package dev.oauthapi.redis;

import redis.clients.jedis.params.SetParams;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What Redis remembers about sessions, for the check every authenticated request makes: "live"
 * entries cache what PostgreSQL said for a short while, the user's current role included (so a
 * role change bites on the next request, whatever role the access token claims), as an opaque
 * value the caller signs and checks (Redis is not trusted with a role); "revoked" tombstones, written when a
 * session is revoked, outlive any access token of it and win over a "live" entry written by a
 * request that raced the revocation. An empty answer sends the caller to PostgreSQL, so losing
 * Redis's data loses nothing. Both are filed under the session's user ({@link UserSlot}), beside
 * the user's rate counter and version, so that one script reads them all, in a cluster too.
 */
public final class SessionStates {
    private static final String LIVE = "oauth-api:session-live:";
    private static final String REVOKED = "oauth-api:session-revoked:";

    private static String live(UUID userId, UUID sessionId) {
        return LIVE + UserSlot.tag(userId) + ":" + sessionId;
    }

    private static String revoked(UUID userId, UUID sessionId) {
        return REVOKED + UserSlot.tag(userId) + ":" + sessionId;
    }

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
            return {redis.call('GET', KEYS[1]), redis.call('EXISTS', KEYS[2]), count, ttl, version}""");

    /** KEYS: tombstones of one user's sessions. ARGV: the value and the lifetime in ms. */
    private static final RedisScript SET_EACH = new RedisScript("""
            for _, key in ipairs(KEYS) do redis.call('SET', key, ARGV[1], 'PX', ARGV[2]) end
            return #KEYS""");

    /**
     * What Redis knows of a session (a tombstone, a live entry as it was written, or neither), the
     * request counted against a rate limit on the way, and the session user's
     * {@link UserVersions version}.
     */
    public record Lookup(boolean revoked, String live, RateLimitCounters.Count counted, String userVersion) {
    }

    private final Redis redis;

    public SessionStates(Redis redis) {
        this.redis = redis;
    }

    /**
     * What Redis knows of the session (a tombstone wins over a live entry), and counts this request
     * against the rate counter {@code counter}, which must be in the user's slot: one round trip
     * for both, which is all an authenticated request asks of Redis.
     */
    public Lookup lookupAndCount(UUID sessionId, UUID userId, String counter, Duration window) {
        final List<String> keys = List.of(live(userId, sessionId), revoked(userId, sessionId), RateLimitCounters.key(counter),
                UserVersions.key(userId));
        final List<String> args = List.of(Long.toString(window.toMillis()), UserVersions.fresh(),
                Long.toString(UserVersions.LIFETIME.toMillis()));
        final List<?> values = (List<?>) redis.call(jedis -> LOOKUP_AND_COUNT.run(jedis, keys, args));
        return new Lookup((Long) values.get(1) == 1L, values.get(0) instanceof String live ? live : null,
                RateLimitCounters.Count.of(values.get(2), values.get(3)), (String) values.get(4));
    }

    /** Caches "live", as the caller's opaque {@code entry}, for {@code ttl}. */
    public void markLive(SessionRef session, String entry, Duration ttl) {
        redis.call(jedis -> jedis.set(live(session.userId(), session.sessionId()), entry,
                SetParams.setParams().px(Math.max(1, ttl.toMillis()))));
    }

    /** Drops the live entries of these sessions: their next check asks PostgreSQL (a role changed). */
    public void forgetLive(Collection<SessionRef> sessions) {
        byUser(sessions).forEach((userId, sessionIds) -> redis.call(jedis ->
                jedis.del(sessionIds.stream().map(sessionId -> live(userId, sessionId)).toArray(String[]::new))));
    }

    /**
     * Writes the sessions' tombstones: one script per user, all of whose keys share a slot (one
     * round trip for what a revocation ends, which is always one user's). A script, not a
     * pipeline: a refusal (a full Redis) or a node that fails comes back as an error, never as a
     * reply left unread, so a tombstone that was not written never passes for one that was.
     */
    public void markRevoked(Collection<SessionRef> sessions, Duration ttl) {
        final List<String> args = List.of("1", Long.toString(Math.max(1, ttl.toMillis())));
        byUser(sessions).forEach((userId, sessionIds) -> {
            final List<String> keys = sessionIds.stream().map(sessionId -> revoked(userId, sessionId)).toList();
            redis.call(jedis -> SET_EACH.run(jedis, keys, args));
        });
    }

    private static Map<UUID, List<UUID>> byUser(Collection<SessionRef> sessions) {
        return sessions.stream().collect(Collectors.groupingBy(SessionRef::userId, LinkedHashMap::new,
                Collectors.mapping(SessionRef::sessionId, Collectors.toList())));
    }
}
