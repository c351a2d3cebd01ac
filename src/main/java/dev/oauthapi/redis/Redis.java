package dev.oauthapi.redis;

import dev.oauthapi.config.RedisConfig;
import io.dropwizard.lifecycle.Managed;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.util.Pool;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Function;

/**
 * The service's one Redis connection pool, closed when the service stops. Every wait is bounded
 * by configuration, so a dead Redis costs a request seconds, never a hung thread. Uses only API
 * that Jedis 7 and 8 both have.
 */
public final class Redis implements Managed {
    private static final Duration IDLE_TEST_INTERVAL = Duration.ofSeconds(15);

    private final Pool<Jedis> pool;
    private final Runnable onRoundTrip;

    private Redis(Pool<Jedis> pool, Runnable onRoundTrip) {
        this.pool = pool;
        this.onRoundTrip = onRoundTrip;
    }

    /** Connections lent out now, idle in the pool, and callers waiting for one: for the pool gauges. */
    public record PoolState(int active, int idle, int waiting) {
    }

    public PoolState poolState() {
        return new PoolState(pool.getNumActive(), pool.getNumIdle(), pool.getNumWaiters());
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
        // Not tested on borrow: a PING before every command doubled the round trips of every
        // request. Idle connections are tested in the background instead, and one that Redis
        // closed (a restart) is replaced when a call finds it (see call).
        poolConfig.setTestOnBorrow(false);
        poolConfig.setTestWhileIdle(true);
        poolConfig.setTimeBetweenEvictionRuns(IDLE_TEST_INTERVAL);
        poolConfig.setNumTestsPerEvictionRun(-1);
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
        if (config.isSentinel()) {
            // The sentinels are asked where the primary is, and tell of a failover: the pool then
            // connects to the new primary. They take no password or database of their own here.
            final Set<HostAndPort> sentinels = config.nodes().values().stream().map(HostAndPort::from)
                    .collect(Collectors.toSet());
            final DefaultJedisClientConfig sentinelClient = DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis((int) config.connectTimeout().toMilliseconds())
                    .socketTimeoutMillis((int) config.socketTimeout().toMilliseconds())
                    .clientName("oauth-api-sentinel")
                    .protocol(RedisProtocol.RESP2)
                    .build();
            return new Redis(new JedisSentinelPool(config.sentinelMaster(), sentinels, poolConfig, client.build(),
                    sentinelClient), onRoundTrip);
        }
        return new Redis(new JedisPool(poolConfig, new HostAndPort(config.host(), config.port()), client.build()),
                onRoundTrip);
    }

    /**
     * Runs one unit of work on a pooled connection and gives the connection back. A unit of work
     * is one round trip: one command, one script, or one pipeline.
     *
     * @throws RedisRefused when Redis is up but refuses the work for now (full, read-only...)
     */
    public <T> T call(Function<Jedis, T> work) {
        onRoundTrip.run();
        try {
            return callOnce(work);
        } catch (JedisDataException e) {
            if (RedisRefused.isRefusal(e)) {
                throw new RedisRefused(e);
            }
            throw e;
        }
    }

    private <T> T callOnce(Function<Jedis, T> work) {
        try (Jedis jedis = pool.getResource()) {
            return work.apply(jedis);
        } catch (JedisConnectionException e) {
            if (!closedByRedis(e)) {
                throw e;
            }
            // Redis closed this pooled connection (it restarted, or dropped idle clients) before
            // reading our command, so the command never ran: drop every idle connection, which
            // are as old, and run it once more on a new one.
            pool.clear();
            try (Jedis jedis = pool.getResource()) {
                return work.apply(jedis);
            }
        }
    }

    /**
     * A connection that Redis had closed: end of stream or a reset, not a timeout (after a timeout
     * the command may have run, so it is never sent twice) and not a failure to connect.
     */
    private static boolean closedByRedis(JedisConnectionException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException || cause instanceof ConnectException) {
                return false;
            }
        }
        final String message = String.valueOf(e.getMessage());
        return message.contains("Unexpected end of stream") || message.contains("Connection reset")
                || message.contains("Broken pipe");
    }

    @Override
    public void stop() {
        pool.close();
    }
}
