package dev.oauthapi.redis;

import dev.oauthapi.config.RedisConfig;
import io.dropwizard.lifecycle.Managed;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.RedisProtocol;

import java.util.function.Function;

/**
 * The service's one Redis connection pool, closed when the service stops. Every wait is bounded
 * by configuration, so a dead Redis costs a request seconds, never a hung thread. Uses only API
 * that Jedis 7 and 8 both have.
 */
public final class Redis implements Managed {
    private final JedisPool pool;
    private final Runnable onRoundTrip;

    private Redis(JedisPool pool, Runnable onRoundTrip) {
        this.pool = pool;
        this.onRoundTrip = onRoundTrip;
    }

    public static Redis connect(RedisConfig config) {
        return connect(config, () -> { });
    }

    /** @param onRoundTrip told of every {@link #call} (tests count round trips with it) */
    public static Redis connect(RedisConfig config, Runnable onRoundTrip) {
        final GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(config.poolSize());
        poolConfig.setMaxIdle(config.poolSize());
        poolConfig.setMinIdle(Math.min(2, config.poolSize()));
        poolConfig.setMaxWait(config.maxWait().toJavaDuration());
        poolConfig.setBlockWhenExhausted(true);
        // A connection broken while Redis was away is found and dropped when it is next borrowed.
        poolConfig.setTestOnBorrow(true);
        poolConfig.setJmxEnabled(false);

        final DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) config.connectTimeout().toMilliseconds())
                .socketTimeoutMillis((int) config.socketTimeout().toMilliseconds())
                .database(config.database())
                .clientName("oauth-api")
                // RESP2, said outright: auto-negotiation only logs a warning on every connection.
                .protocol(RedisProtocol.RESP2);
        if (!config.password().isEmpty()) {
            client.password(config.password().reveal());
        }
        return new Redis(new JedisPool(poolConfig, new HostAndPort(config.host(), config.port()), client.build()),
                onRoundTrip);
    }

    /**
     * Runs one unit of work on a pooled connection and gives the connection back. A unit of work
     * is one round trip: one command, one script, or one pipeline.
     */
    public <T> T call(Function<Jedis, T> work) {
        onRoundTrip.run();
        try (Jedis jedis = pool.getResource()) {
            return work.apply(jedis);
        }
    }

    @Override
    public void stop() {
        pool.close();
    }
}
