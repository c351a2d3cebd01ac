package dev.oauthapi.redis;

import java.time.Duration;
import java.util.List;

/**
 * Request counters for rate limits, shared by every instance: one atomic Lua step counts the
 * request and starts the window on the first one, so concurrent requests can never both slip
 * under the limit.
 */
public final class RateLimitCounters {
    private static final String PREFIX = "oauth-api:rate:";
    /** Counts into KEYS[n] with a window of ARGV[1] ms; leaves {count, ttl} in locals (shared with SessionStates). */
    static String countInto(int keyIndex) {
        return """
                local count = redis.call('INCR', KEYS[%1$d])
                if count == 1 then redis.call('PEXPIRE', KEYS[%1$d], ARGV[1]) end
                local ttl = redis.call('PTTL', KEYS[%1$d])
                if ttl < 0 then redis.call('PEXPIRE', KEYS[%1$d], ARGV[1]); ttl = tonumber(ARGV[1]) end
                """.formatted(keyIndex);
    }

    private static final RedisScript COUNT = new RedisScript(countInto(1) + "return {count, ttl}");

    /** The count of requests in the current window, this one included, and the time left in it. */
    public record Count(long requests, Duration windowLeft) {
        static Count of(Object requests, Object windowLeftMillis) {
            return new Count((Long) requests, Duration.ofMillis((Long) windowLeftMillis));
        }
    }

    private final Redis redis;

    public RateLimitCounters(Redis redis) {
        this.redis = redis;
    }

    static String key(String counter) {
        return PREFIX + counter;
    }

    public Count count(String counter, Duration window) {
        final List<String> keys = List.of(key(counter));
        final List<String> args = List.of(Long.toString(window.toMillis()));
        final List<?> values = (List<?>) redis.call(jedis -> COUNT.run(jedis, keys, args));
        return Count.of(values.get(0), values.get(1));
    }
}
