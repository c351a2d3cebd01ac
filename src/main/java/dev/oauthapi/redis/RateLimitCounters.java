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
    private static final String COUNT = """
            local count = redis.call('INCR', KEYS[1])
            if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            local ttl = redis.call('PTTL', KEYS[1])
            if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
            return {count, ttl}""";

    /** The count of requests in the current window, this one included, and the time left in it. */
    public record Count(long requests, Duration windowLeft) {
    }

    private final Redis redis;

    public RateLimitCounters(Redis redis) {
        this.redis = redis;
    }

    public Count count(String key, Duration window) {
        final Object result = redis.call(jedis -> jedis.eval(COUNT, List.of(PREFIX + key),
                List.of(Long.toString(window.toMillis()))));
        final List<?> values = (List<?>) result;
        return new Count((Long) values.get(0), Duration.ofMillis((Long) values.get(1)));
    }
}
