package dev.oauthapi.redis;

import dev.oauthapi.config.RedisConfig;
import io.dropwizard.lifecycle.Managed;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.SentineledConnectionProvider;
import redis.clients.jedis.util.Pool;

import javax.net.ssl.SSLParameters;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The service's one Redis client, on Jedis's own client for each {@code REDIS_MODE}: one server,
 * a primary found through Sentinel (followed through a failover), or a Cluster (each key sent to
 * the primary of its slot, followed through resharding and failover). Closed when the service
 * stops. Every wait is bounded by configuration, so a dead Redis costs a request seconds, never a
 * hung thread. Keys that one call uses together share a hash tag (see {@link UserSlot}), so every call
 * touches one slot. Uses only API that Jedis 7 and 8 both have.
 */
public final class Redis implements Managed {
    private static final Duration IDLE_TEST_INTERVAL = Duration.ofSeconds(15);
    /** Cluster: how often the slot map is read again even when nothing failed (a failover elsewhere). */
    private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(5);

    private final UnifiedJedis client;
    private final Supplier<Collection<? extends Pool<Connection>>> pools;
    private final Runnable onRoundTrip;

    private Redis(UnifiedJedis client, Supplier<Collection<? extends Pool<Connection>>> pools, Runnable onRoundTrip) {
        this.client = client;
        this.pools = pools;
        this.onRoundTrip = onRoundTrip;
    }

    /** Connections lent out now, idle, and callers waiting for one (summed over a cluster's nodes): for the pool gauges. */
    public record PoolState(int active, int idle, int waiting) {
    }

    public PoolState poolState() {
        int active = 0;
        int idle = 0;
        int waiting = 0;
        for (Pool<Connection> pool : pools.get()) {
            active += pool.getNumActive();
            idle += pool.getNumIdle();
            waiting += pool.getNumWaiters();
        }
        return new PoolState(active, idle, waiting);
    }

    public static Redis connect(RedisConfig config) {
        return connect(config, () -> { });
    }

    /** @param onRoundTrip told of every {@link #call} (tests count round trips with it) */
    public static Redis connect(RedisConfig config, Runnable onRoundTrip) {
        final GenericObjectPoolConfig<Connection> poolConfig = poolConfig(config);
        final DefaultJedisClientConfig.Builder clientConfig = clientConfig(config, "oauth-api").database(config.database());
        credentials(clientConfig, config.username(), config.password().reveal());
        final Set<HostAndPort> nodes = config.nodes().values().stream().map(HostAndPort::from).collect(Collectors.toSet());
        return switch (config.mode()) {
            case "sentinel" -> {
                // The sentinels are asked where the primary is, and tell of a failover: the pool then
                // connects to the new primary. They have no database, and a password of their own.
                final DefaultJedisClientConfig.Builder sentinelConfig = clientConfig(config, "oauth-api-sentinel");
                credentials(sentinelConfig, config.username(), config.sentinelPassword().reveal());
                final SentineledConnectionProvider provider = new SentineledConnectionProvider(config.sentinelMaster(),
                        clientConfig.build(), poolConfig, nodes, sentinelConfig.build());
                final RedisSentinelClient client = RedisSentinelClient.builder().masterName(config.sentinelMaster())
                        .sentinels(nodes).connectionProvider(provider).build();
                yield new Redis(client, () -> provider.getConnectionMap().values(), onRoundTrip);
            }
            case "cluster" -> {
                // Each node gets a pool of its own. A command that meets a moved slot, or a primary
                // that is gone, reads the slot map again and is sent once more, all within the
                // socket timeout: then the caller's fallback takes over, as for any Redis failure.
                final RedisClusterClient client = RedisClusterClient.builder().nodes(nodes)
                        .clientConfig(clientConfig.build()).poolConfig(poolConfig)
                        .maxAttempts(3).maxTotalRetriesDuration(config.socketTimeout().toJavaDuration())
                        .topologyRefreshPeriod(TOPOLOGY_REFRESH).build();
                yield new Redis(client, () -> client.getClusterNodes().values(), onRoundTrip);
            }
            default -> {
                final RedisClient client = RedisClient.builder().hostAndPort(new HostAndPort(config.host(), config.port()))
                        .clientConfig(clientConfig.build()).poolConfig(poolConfig).build();
                yield new Redis(client, () -> List.of(client.getPool()), onRoundTrip);
            }
        };
    }

    private static GenericObjectPoolConfig<Connection> poolConfig(RedisConfig config) {
        final GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(config.poolSize());
        pool.setMaxIdle(config.poolSize());
        pool.setMinIdle(Math.min(2, config.poolSize()));
        pool.setMaxWait(config.maxWait().toJavaDuration());
        pool.setBlockWhenExhausted(true);
        // Not tested on borrow: a PING before every command doubled the round trips of every
        // request. Idle connections are tested in the background instead, and one that Redis
        // closed (a restart) is replaced when a call finds it (see call).
        pool.setTestOnBorrow(false);
        pool.setTestWhileIdle(true);
        pool.setTimeBetweenEvictionRuns(IDLE_TEST_INTERVAL);
        pool.setNumTestsPerEvictionRun(-1);
        pool.setJmxEnabled(false);
        return pool;
    }

    private static DefaultJedisClientConfig.Builder clientConfig(RedisConfig config, String name) {
        final DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) config.connectTimeout().toMilliseconds())
                .socketTimeoutMillis((int) config.socketTimeout().toMilliseconds())
                .clientName(name)
                // RESP2, said outright: auto-negotiation only logs a warning on every connection.
                .protocol(RedisProtocol.RESP2);
        if (config.tls()) {
            // The server's name must match its certificate, as HTTPS checks it: TLS that takes any
            // certificate protects against nobody on the path.
            final SSLParameters parameters = new SSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            builder.ssl(true).sslParameters(parameters);
            if (!config.caFile().isBlank()) {
                builder.sslSocketFactory(RedisTls.trusting(Path.of(config.caFile())));
            }
        }
        return builder;
    }

    /** An ACL user and its password; a password alone is the {@code default} user's. */
    private static void credentials(DefaultJedisClientConfig.Builder builder, String username, String password) {
        if (!username.isBlank()) {
            builder.user(username);
        }
        if (!password.isEmpty()) {
            builder.password(password);
        }
    }

    /**
     * Runs one unit of work and counts it as one round trip: one command, one script, or one
     * pipeline, whose keys all share one hash slot.
     *
     * @throws RedisRefused     when Redis is up but refuses the work for now (full, read-only...)
     * @throws RedisUnavailable when Redis cannot be reached or does not answer in time
     * @throws RedisException   when Redis answered an error to what we sent (a bug of ours)
     */
    public <T> T call(Function<UnifiedJedis, T> work) {
        onRoundTrip.run();
        try {
            return callOnce(work);
        } catch (JedisDataException e) {
            throw RedisRefused.isRefusal(e) ? new RedisRefused(e) : new RedisException(e.getMessage(), e);
        } catch (JedisClusterOperationException e) {
            if (gaveUp(e)) {
                // Every attempt met a dead node or a slot without a primary (a failover under
                // way): Redis is unreachable for now, like a refused connection.
                throw new RedisUnavailable("Redis Cluster did not answer: " + e.getMessage(), e);
            }
            throw new RedisException(e.getMessage(), e); // keys of different slots in one call: a bug of ours
        } catch (JedisConnectionException e) {
            throw new RedisUnavailable(e.getMessage(), e);
        } catch (JedisException e) {
            throw new RedisException(e.getMessage(), e);
        }
    }

    /** Redis's answer to PING (one round trip), for the health check. */
    public String ping() {
        return call(UnifiedJedis::ping);
    }

    private static boolean gaveUp(JedisClusterOperationException e) {
        final String message = String.valueOf(e.getMessage());
        return message.startsWith("No more cluster attempts left") || message.startsWith("Cluster retry deadline exceeded");
    }

    private <T> T callOnce(Function<UnifiedJedis, T> work) {
        try {
            return work.apply(client);
        } catch (JedisConnectionException e) {
            if (!closedByRedis(e)) {
                throw e;
            }
            // Redis closed a pooled connection (it restarted, or dropped idle clients) before
            // reading our command, so the command never ran: drop every idle connection, which
            // are as old, and run it once more on a new one.
            pools.get().forEach(Pool::clear);
            return work.apply(client);
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
        client.close();
    }
}
