package dev.oauthapi.testing;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Real Redis with Sentinel, started by the test from {@code redis-server} on the PATH (Debian's
 * {@code redis-server}): a primary, one replica, and three sentinels watching them as
 * {@code mymaster}, quick to notice (1 s) and to fail over. The sentinels require a password of
 * their own ({@code requirepass}), as a hardened deployment's do.
 */
public final class TestRedisSentinel implements AutoCloseable {
    public static final String MASTER = "mymaster";
    private static final String SENTINEL_PASSWORD = "sentinel-" + java.util.UUID.randomUUID();

    private final List<Process> processes = new ArrayList<>();
    private final int primary;
    private final int replica;
    private final List<Integer> sentinels = new ArrayList<>();

    private TestRedisSentinel() throws IOException {
        primary = LocalPorts.free();
        replica = LocalPorts.free();
        final Path dir = Files.createTempDirectory("sentinel");
        // In the temp folder: the replica's first sync writes a snapshot file where it runs.
        start(List.of("--port", Integer.toString(primary), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", dir.toString()));
        start(List.of("--port", Integer.toString(replica), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", dir.toString(),
                "--replicaof", "127.0.0.1", Integer.toString(primary)));
        for (int i = 0; i < 3; i++) {
            final int port = LocalPorts.free();
            final Path conf = dir.resolve("sentinel-" + port + ".conf");
            Files.writeString(conf, String.join("\n",
                    "port " + port,
                    "bind 127.0.0.1",
                    "sentinel monitor " + MASTER + " 127.0.0.1 " + primary + " 2",
                    "sentinel down-after-milliseconds " + MASTER + " 1000",
                    "sentinel failover-timeout " + MASTER + " 5000",
                    "sentinel parallel-syncs " + MASTER + " 1",
                    "requirepass " + SENTINEL_PASSWORD,
                    ""));
            start(List.of(conf.toString(), "--sentinel"));
            sentinels.add(port);
        }
        for (int port : sentinels) {
            LocalPorts.awaitListening(port, "a sentinel");
        }
    }

    public static TestRedisSentinel start() {
        try {
            return new TestRedisSentinel();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start Redis with Sentinel (redis-server on the PATH)", e);
        }
    }

    private void start(List<String> arguments) throws IOException {
        final List<String> command = new ArrayList<>(List.of(Program.REDIS_SERVER.path().toString()));
        command.addAll(arguments);
        processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    }

    /** The {@code REDIS_*} variables of the service in sentinel mode. */
    public Map<String, String> environment() {
        return Map.of("REDIS_MODE", "sentinel", "REDIS_SENTINEL_MASTER", MASTER, "REDIS_PASSWORD", "",
                "REDIS_SENTINEL_PASSWORD", SENTINEL_PASSWORD,
                "REDIS_NODES", sentinels.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(",")));
    }

    private Jedis sentinel() {
        final Jedis sentinel = new Jedis("127.0.0.1", sentinels.getFirst());
        sentinel.auth(SENTINEL_PASSWORD);
        return sentinel;
    }

    /** Where the sentinels say the primary is now. */
    public HostAndPort primary() {
        try (Jedis sentinel = sentinel()) {
            final List<String> address = sentinel.sentinelGetMasterAddrByName(MASTER);
            return new HostAndPort(address.get(0), Integer.parseInt(address.get(1)));
        }
    }

    public int originalPrimaryPort() {
        return primary;
    }

    /**
     * Asks the sentinels to promote the replica, as an operator (or a crash) would make them. A
     * sentinel learns of the replica from the primary's INFO (every 10 s at first): until then it
     * answers NOGOODSLAVE, and it is asked again.
     */
    public void failover() {
        final Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        try (Jedis sentinel = sentinel()) {
            while (true) {
                try {
                    sentinel.sentinelFailover(MASTER);
                    return;
                } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                    if (!String.valueOf(e.getMessage()).startsWith("NOGOODSLAVE") || Instant.now().isAfter(deadline)) {
                        throw e;
                    }
                    try {
                        Thread.sleep(200); // polling the sentinel until it knows the replica
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        processes.forEach(Process::destroy);
        for (Process process : processes) {
            try {
                process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }
    }
}
