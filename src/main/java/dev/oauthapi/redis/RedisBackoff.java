package dev.oauthapi.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * After Redis fails, its caller skips it for a few seconds and uses its fallback instead, rather
 * than paying a connection timeout on every request while Redis is away.
 */
public final class RedisBackoff {
    static final Duration PAUSE = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(RedisBackoff.class);

    private final String fallback;
    private volatile long skipUntilNanos = System.nanoTime();

    /** @param fallback what the caller does meanwhile, for the log line */
    public RedisBackoff(String fallback) {
        this.fallback = fallback;
    }

    public boolean shouldTry() {
        return System.nanoTime() - skipUntilNanos >= 0;
    }

    public void failed(RedisException e) {
        final boolean wasTrying = shouldTry();
        skipUntilNanos = System.nanoTime() + PAUSE.toNanos();
        if (wasTrying) {
            // Once a pause, not once a request: an outage under load would otherwise log a line
            // for every request that was already on its way to Redis.
            LOG.warn("Redis failed ({}); {} for the next {} s", e.toString(), fallback, PAUSE.toSeconds());
        }
    }
}
