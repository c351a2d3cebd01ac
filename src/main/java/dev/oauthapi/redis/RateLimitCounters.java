package dev.oauthapi.redis;

import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
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

    private static final String COUNT_SHA1 = sha1Hex(COUNT);

    /** The count of requests in the current window, this one included, and the time left in it. */
    public record Count(long requests, Duration windowLeft) {
    }

    private static String sha1Hex(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    private final Redis redis;

    public RateLimitCounters(Redis redis) {
        this.redis = redis;
    }

    public Count count(String key, Duration window) {
        final List<String> keys = List.of(PREFIX + key);
        final List<String> args = List.of(Long.toString(window.toMillis()));
        // By its SHA-1: the script text is sent only when Redis does not know it yet (first use,
        // or after a restart emptied its script cache).
        final Object result = redis.call(jedis -> {
            try {
                return jedis.evalsha(COUNT_SHA1, keys, args);
            } catch (JedisNoScriptException notLoaded) {
                return jedis.eval(COUNT, keys, args);
            }
        });
        final List<?> values = (List<?>) result;
        return new Count((Long) values.get(0), Duration.ofMillis((Long) values.get(1)));
    }
}
