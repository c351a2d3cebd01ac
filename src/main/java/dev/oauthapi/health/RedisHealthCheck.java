package dev.oauthapi.health;

import com.codahale.metrics.health.HealthCheck;
import dev.oauthapi.redis.Redis;

/**
 * Redis answers PING. Bounded by the pool's wait and the socket timeout, so a dead Redis is
 * reported within seconds rather than hanging the health endpoint.
 */
public final class RedisHealthCheck extends HealthCheck {
    private final Redis redis;

    public RedisHealthCheck(Redis redis) {
        this.redis = redis;
    }

    @Override
    protected Result check() {
        final long started = System.nanoTime();
        final String reply = redis.ping();
        final long millis = (System.nanoTime() - started) / 1_000_000;
        return "PONG".equals(reply)
                ? Result.healthy("PING answered in %d ms", millis)
                : Result.unhealthy("PING answered '%s'", reply);
    }
}
