package dev.oauthapi.testing;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster, started by the test from {@code redis-server} and {@code redis-cli} on the
 * PATH (Debian's {@code redis-server} and {@code redis-tools}): three primaries, each with one
 * replica, made into a cluster with {@code redis-cli --cluster create}. Nodes notice a dead one
 * within a second ({@code cluster-node-timeout 1000}), and its replica takes over.
 */
public final class TestRedisCluster implements AutoCloseable {
    private static final int NODES = 6;

    private final Map<Integer, Process> processes = new LinkedHashMap<>();

    private TestRedisCluster() throws IOException, InterruptedException {
        final Path dir = Files.createTempDirectory("redis-cluster");
        for (int i = 0; i < NODES; i++) {
            final int port = LocalPorts.free();
            processes.put(port, new ProcessBuilder(Program.REDIS_SERVER.path().toString(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-port", Integer.toString(LocalPorts.free()),
                    "--cluster-config-file", dir.resolve("nodes-" + port + ".conf").toString(),
                    "--cluster-node-timeout", "1000", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                    // A replica syncs at once (not after the default 5 s that batches replicas): one
                    // that never synced counts as too long away from its primary to replace it.
                    "--repl-diskless-sync-delay", "0")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
        processes.keySet().forEach(port -> LocalPorts.awaitListening(port, "a cluster node"));
        final List<String> create = new ArrayList<>(List.of(Program.REDIS_CLI.path().toString(), "--cluster", "create"));
        processes.keySet().forEach(port -> create.add("127.0.0.1:" + port));
        create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        final Process cli = new ProcessBuilder(create).redirectErrorStream(true).start();
        final String output = new String(cli.getInputStream().readAllBytes());
        if (!cli.waitFor(60, TimeUnit.SECONDS) || cli.exitValue() != 0) {
            close();
            throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
        }
        awaitHealthy(Duration.ofSeconds(30));
        awaitReplicasInSync(Duration.ofSeconds(30));
    }

    private void awaitReplicasInSync(Duration limit) {
        final Instant deadline = Instant.now().plus(limit);
        while (!livePorts().stream().allMatch(TestRedisCluster::primaryOrInSync)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the replicas did not sync within " + limit + ":\n" + clusterNodes());
            }
            pause(100); // polling the replicas' link to their primary
        }
    }

    private static boolean primaryOrInSync(int port) {
        try (Jedis node = new Jedis("127.0.0.1", port)) {
            final String replication = node.info("replication");
            return replication.contains("role:master") || replication.contains("master_link_status:up");
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    public static TestRedisCluster start() {
        try {
            return new TestRedisCluster();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start a Redis Cluster (redis-server and redis-cli on the PATH)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The {@code REDIS_*} variables of the service in cluster mode: two of the nodes as seeds. */
    public Map<String, String> environment() {
        return Map.of("REDIS_MODE", "cluster", "REDIS_PASSWORD", "", "REDIS_DB", "0", "REDIS_HOST", "unused-in-cluster-mode",
                "REDIS_NODES", processes.keySet().stream().limit(2).map(port -> "127.0.0.1:" + port)
                        .collect(Collectors.joining(",")));
    }

    /** A client of the test's own, to look at what the service keeps. */
    public RedisClusterClient client() {
        return RedisClusterClient.create(processes.keySet().stream().map(port -> new HostAndPort("127.0.0.1", port))
                .collect(Collectors.toSet()));
    }

    /** The ports of the nodes that are primaries now, each with how many keys it holds. */
    public Map<Integer, Long> primaryKeyCounts() {
        final Map<Integer, Long> counts = new LinkedHashMap<>();
        for (int port : livePorts()) {
            try (Jedis node = new Jedis("127.0.0.1", port)) {
                if (node.info("replication").contains("role:master")) {
                    counts.put(port, node.dbSize());
                }
            } catch (redis.clients.jedis.exceptions.JedisConnectionException dying) {
                // a node killed a moment ago
            }
        }
        return counts;
    }

    /** The port of the primary that serves this key now: the one that does not answer MOVED. */
    public int primaryOf(String key) {
        final List<String> answers = new ArrayList<>();
        for (int port : primaryKeyCounts().keySet()) {
            try (Jedis node = new Jedis("127.0.0.1", port)) {
                node.exists(key);
                return port;
            } catch (redis.clients.jedis.exceptions.JedisDataException moved) {
                answers.add(port + ": " + moved.getMessage()); // another primary's slot
            }
        }
        throw new IllegalStateException("no primary serves " + key + ": " + answers);
    }

    /** Kills a primary, as a crash would: its replica is promoted once the others notice. */
    public void kill(int port) {
        processes.get(port).destroyForcibly();
        try {
            processes.get(port).waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until the cluster is whole: three live primaries (after a kill, the replica promoted;
     * until the others notice, the dead one is still counted as serving, so live ones are counted)
     * and every live node saying that all slots are served.
     */
    public void awaitHealthy(Duration limit) {
        final Instant deadline = Instant.now().plus(limit);
        while (true) {
            if (primaryKeyCounts().size() == NODES / 2 && livePorts().stream().allMatch(TestRedisCluster::clusterOk)) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the Redis Cluster did not become healthy within " + limit
                        + "; primaries " + primaryKeyCounts().keySet() + "; as a live node sees it:\n" + clusterNodes());
            }
            pause(100); // polling the nodes' view of the cluster, not waiting for time to pass
        }
    }

    private String clusterNodes() {
        for (int port : livePorts()) {
            try (Jedis node = new Jedis("127.0.0.1", port)) {
                return node.clusterNodes();
            } catch (RuntimeException next) {
                // try another
            }
        }
        return "(no node answers)";
    }

    private Set<Integer> livePorts() {
        return processes.entrySet().stream().filter(entry -> entry.getValue().isAlive()).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    private static boolean clusterOk(int port) {
        try (Jedis node = new Jedis("127.0.0.1", port)) {
            return node.clusterInfo().contains("cluster_state:ok");
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // polling a child process, not waiting for time to pass
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        processes.values().forEach(Process::destroy);
        for (Process process : processes.values()) {
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }
    }
}
