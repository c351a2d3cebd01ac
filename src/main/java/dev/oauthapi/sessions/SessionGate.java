package dev.oauthapi.sessions;

import dev.oauthapi.db.SessionDao;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.RateLimitCounters;
import dev.oauthapi.redis.RedisBackoff;
import dev.oauthapi.redis.RedisException;
import dev.oauthapi.redis.SessionRef;
import dev.oauthapi.redis.SessionStates;
import dev.oauthapi.tokens.ServerMac;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Decides, on every authenticated request, whether the access token's session may still be used,
 * so that a revocation takes effect on the very next request, on every instance.
 *
 * <p>Redis is the fast path and PostgreSQL the truth. A request asks Redis first (one round trip);
 * what Redis does not know, PostgreSQL answers, and Redis caches a "live" answer for
 * {@link #LIVE_CACHE}; a "not live" answer is remembered as a tombstone. A revocation writes a tombstone to Redis before the revoking request is
 * answered. When Redis is down, every check goes to PostgreSQL: a revoked session stays refused and
 * live ones keep working. When neither can answer, the request fails with 503: never open.
 *
 * <p>Redis is trusted with no more than a revocation: a live entry carries the user's role, so it
 * is signed with a key from PostgreSQL and bound to the session and to the user's version at the
 * time PostgreSQL was read. One that does not verify (written by anyone else, or by an older
 * release) counts as absent and is counted; one written under an older version (a role changed
 * since, see {@link #rolesChanged}) no longer matches. Either way PostgreSQL answers.
 *
 * <p>A tombstone that could not be written (Redis down) is kept here, refused locally, and written
 * once Redis is back, so a stale "live" entry cannot outlive the outage on other instances.
 */
public final class SessionGate implements Managed {
    /**
     * Short on purpose: if a revoking instance could not write its tombstone (Redis unreachable
     * from it alone, or it died right after committing), other instances notice within this.
     */
    static final Duration LIVE_CACHE = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(SessionGate.class);

    private final SessionStates states;
    private final LiveEntries entries;
    private final AuthMetrics metrics;
    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration tombstoneLifetime;
    private final Set<SessionRef> unwrittenTombstones = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("session-tombstones").daemon().factory());
    private final RedisBackoff redis = new RedisBackoff("checking sessions in PostgreSQL");

    /** @param accessTokenTtl tombstones must outlive every access token of the revoked session */
    public SessionGate(SessionStates states, ServerMac mac, Jdbi jdbi, Clock clock, Duration accessTokenTtl,
                       AuthMetrics metrics) {
        this.states = states;
        this.entries = new LiveEntries(mac, metrics);
        this.metrics = metrics;
        this.jdbi = jdbi;
        this.clock = clock;
        this.tombstoneLifetime = accessTokenTtl.plus(Duration.ofMinutes(1));
    }

    /**
     * The answer of {@link #check}: whether the session is live, the request's count in the rate
     * counter asked for, and the user's version (both null when Redis did not answer: the caller
     * counts another way and trusts no cached copy).
     */
    public record Check(boolean live, String role, RateLimitCounters.Count counted, String userVersion) {
    }

    /**
     * Whether an access token of this session may still be used; on the way, counts the request
     * against the rate counter {@code counter} and reads the user's version, in the same Redis
     * round trip: one round trip is all a request whose session Redis knows costs.
     */
    public Check check(UUID sessionId, UUID userId, String counter, Duration window) {
        final SessionRef session = new SessionRef(userId, sessionId);
        if (unwrittenTombstones.contains(session)) {
            return new Check(false, null, null, null);
        }
        RateLimitCounters.Count counted = null;
        String userVersion = null;
        if (redis.shouldTry()) {
            try {
                final SessionStates.Lookup lookup = states.lookupAndCount(sessionId, userId, counter, window);
                counted = lookup.counted();
                userVersion = lookup.userVersion();
                if (lookup.revoked()) {
                    return new Check(false, null, counted, userVersion);
                }
                final String role = entries.roleIn(session, lookup.live(), userVersion);
                if (role != null) {
                    return new Check(true, role, counted, userVersion);
                }
            } catch (RedisException e) {
                redis.failed(e);
            }
        }
        final Optional<SessionDao.Liveness> liveUntil = fromDatabase(session, userVersion);
        return new Check(liveUntil.isPresent(), liveUntil.map(SessionDao.Liveness::role).orElse(null), counted,
                userVersion);
    }

    /**
     * What PostgreSQL says of a session Redis could not vouch for, remembered in Redis: a live
     * session for its version of the user, an ended one as a tombstone.
     */
    private Optional<SessionDao.Liveness> fromDatabase(SessionRef session, String userVersion) {
        final Instant now = clock.instant();
        final Optional<SessionDao.Liveness> liveUntil;
        try {
            liveUntil = jdbi.withHandle(handle -> new SessionDao(handle).liveUntil(session.sessionId(), now));
        } catch (JdbiException e) {
            LOG.warn("Cannot check session {}: PostgreSQL did not answer ({})", session.sessionId(), e.toString());
            throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "The session cannot be checked right now.",
                    Map.of("Retry-After", "5"));
        }
        if (redis.shouldTry()) {
            try {
                if (liveUntil.isPresent()) {
                    if (userVersion != null) {
                        // Never cached past the session's own expiry, idle or absolute.
                        states.markLive(session, entries.of(session, liveUntil.get().role(), userVersion),
                                min(LIVE_CACHE, Duration.between(now, liveUntil.get().until())));
                    }
                } else {
                    // Remembered too, so a replayed token of an ended session costs no query.
                    states.markRevoked(List.of(session), tombstoneLifetime);
                }
            } catch (RedisException e) {
                redis.failed(e);
            }
        }
        return liveUntil;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Call after the revocation committed in PostgreSQL, before answering the revoking request. */
    public void revoked(Collection<SessionRef> sessions) {
        if (sessions.isEmpty()) {
            return;
        }
        try {
            states.markRevoked(sessions, tombstoneLifetime);
        } catch (RedisException e) {
            redis.failed(e);
            unwrittenTombstones.addAll(sessions);
        }
    }

    /**
     * Call after a change of the users' role committed: their sessions' cached answers, which carry
     * the role, are dropped, so the next request of each reads the new role from PostgreSQL. If
     * Redis cannot be told, those answers run out within {@link #LIVE_CACHE}. A request that read
     * the old role before the change and caches it just after this cannot bring it back: the
     * user's version is replaced after the change too (the profile shows the role), and an entry
     * under an older version is no answer.
     */
    public void rolesChanged(Collection<SessionRef> sessions) {
        if (sessions.isEmpty() || !redis.shouldTry()) {
            return;
        }
        try {
            states.forgetLive(sessions);
        } catch (RedisException e) {
            redis.failed(e);
        }
    }

    /** Tombstones still waiting for Redis; a short-lived process should say so before it exits. */
    public int unwrittenTombstones() {
        return unwrittenTombstones.size();
    }

    private void writeUnwrittenTombstones() {
        if (unwrittenTombstones.isEmpty() || !redis.shouldTry()) {
            return;
        }
        final List<SessionRef> pending = List.copyOf(unwrittenTombstones);
        try {
            states.markRevoked(pending, tombstoneLifetime);
            pending.forEach(unwrittenTombstones::remove);
            LOG.info("Wrote {} session tombstones to Redis after an outage", pending.size());
        } catch (RedisException e) {
            redis.failed(e);
        }
    }

    @Override
    public void start() {
        retries.scheduleWithFixedDelay(this::writeUnwrittenTombstones, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        retries.shutdownNow();
        retries.awaitTermination(3, java.util.concurrent.TimeUnit.SECONDS);
        writeUnwrittenTombstones(); // one last try: other instances learn of these sessions sooner
    }
}
