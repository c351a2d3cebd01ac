package dev.oauthapi.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.oauthapi.redis.RateLimitCounters;
import dev.oauthapi.redis.RedisBackoff;
import dev.oauthapi.redis.RedisException;
import dev.oauthapi.redis.UserSlot;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Fixed-window rate limits per key (a client IP or a user id), counted in Redis so that all
 * instances share them. When Redis fails, counting moves into this process for a while: a limit
 * per instance is looser than a shared one, but never "unlimited".
 */
public final class RateLimiter {
    public static final Duration WINDOW = Duration.ofMinutes(1);
    /** Guest sign-up's ({@link RateLimited.Bucket#ANONYMOUS}): a counter kept in this process lives that long. */
    static final Duration LONGEST_WINDOW = Duration.ofHours(1);

    /** The verdict on one request, with what the {@code RateLimit-*} headers report. */
    public record Decision(boolean allowed, int limit, long remaining, long resetSeconds) {
    }

    private final RateLimitCounters counters;
    private final Clock clock;
    private final Cache<String, LocalWindow> local = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(LONGEST_WINDOW.multipliedBy(2))
            .build();
    private final RedisBackoff redis = new RedisBackoff("counting rate limits in this process");

    public RateLimiter(RateLimitCounters counters, Clock clock) {
        this.counters = counters;
        this.clock = clock;
    }

    /** The per-user counter's name; the session check counts into it, in the user's slot. */
    public static String userCounter(UUID userId) {
        return "user:" + UserSlot.tag(userId);
    }

    /** Counts a request against {@code key}'s fixed window of length {@code window}. */
    public Decision check(String key, int limit, Duration window) {
        long requests;
        Duration left;
        if (redis.shouldTry()) {
            try {
                final RateLimitCounters.Count count = counters.count(key, window);
                return decide(limit, count.requests(), count.windowLeft());
            } catch (RedisException e) {
                redis.failed(e);
            }
        }
        final Instant now = clock.instant();
        final LocalWindow counted = local.asMap().compute(key, (k, existing) ->
                existing == null || !now.isBefore(existing.end) ? new LocalWindow(now.plus(window)) : existing);
        synchronized (counted) {
            requests = ++counted.requests;
        }
        left = Duration.between(now, counted.end);
        return decide(limit, requests, left);
    }

    /** The verdict on a request already counted in Redis (by the session check, in its round trip). */
    public Decision decide(int limit, RateLimitCounters.Count counted) {
        return decide(limit, counted.requests(), counted.windowLeft());
    }

    private static Decision decide(int limit, long requests, Duration left) {
        final long reset = Math.max(1, (left.toMillis() + 999) / 1000);
        return new Decision(requests <= limit, limit, Math.max(0, limit - requests), reset);
    }

    private static final class LocalWindow {
        private final Instant end;
        private long requests;

        LocalWindow(Instant end) {
            this.end = end;
        }
    }
}
