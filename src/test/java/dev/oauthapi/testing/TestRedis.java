package dev.oauthapi.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A real Redis for the tests: the one named by {@code TEST_REDIS_URL}
 * ({@code redis://[:password@]host:port[/db]}) when set, else a {@code redis-server} from the PATH
 * or, without one, the embedded Redis binary from Maven Central. {@link #startPrivate()} gives a
 * test a server of its own that it may stop and start again.
 */
public final class TestRedis {
    private static TestRedis shared;

    private final String host;
    private final int port;
    private final String password;
    private final int database;
    private final RedisProcess process;

    private TestRedis(String host, int port, String password, int database, RedisProcess process) {
        this.host = host;
        this.port = port;
        this.password = password;
        this.database = database;
        this.process = process;
    }

    public static synchronized TestRedis shared() {
        if (shared == null) {
            final String url = System.getenv("TEST_REDIS_URL");
            shared = url == null || url.isBlank() ? startPrivate() : fromUrl(url);
        }
        return shared;
    }

    public static TestRedis startPrivate() {
        final RedisProcess process = RedisProcess.onFreePort();
        process.start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::stop));
        return new TestRedis("127.0.0.1", process.port, "", 0, process);
    }

    private static TestRedis fromUrl(String url) {
        final URI uri = URI.create(url);
        final String info = uri.getUserInfo();
        final String password = info == null ? "" : info.substring(info.indexOf(':') + 1);
        final int db = uri.getPath() == null || uri.getPath().length() <= 1 ? 0 : Integer.parseInt(uri.getPath().substring(1));
        return new TestRedis(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), password, db, null);
    }

    public void stop() {
        requireOwnProcess().stop();
    }

    public void start() {
        requireOwnProcess().start();
    }

    private RedisProcess requireOwnProcess() {
        if (process == null) {
            throw new IllegalStateException("This Redis was not started by the tests");
        }
        return process;
    }

    public int port() {
        return port;
    }

    /** A connection of the test's own, to look at or change what the service keeps. */
    public redis.clients.jedis.Jedis client() {
        final redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis(host, port);
        if (!password.isEmpty()) {
            jedis.auth(password);
        }
        jedis.select(database);
        return jedis;
    }

    /** The {@code REDIS_*} variables of the service. */
    public Map<String, String> environment() {
        final Map<String, String> env = new HashMap<>();
        env.put("REDIS_HOST", host);
        env.put("REDIS_PORT", Integer.toString(port));
        env.put("REDIS_PASSWORD", password);
        env.put("REDIS_DB", Integer.toString(database));
        return env;
    }

    /** A redis-server child process, or the embedded binary where none is installed. */
    private static final class RedisProcess {
        private final int port;
        private Process process;
        private redis.embedded.RedisServer embedded;

        private RedisProcess(int port) {
            this.port = port;
        }

        static RedisProcess onFreePort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return new RedisProcess(socket.getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        synchronized void start() {
            try {
                final Path installed = Program.REDIS_SERVER.find().orElse(null);
                if (installed != null) {
                    process = new ProcessBuilder(installed.toString(), "--port", Integer.toString(port),
                            "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no")
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
                } else {
                    embedded = new redis.embedded.RedisServer(port);
                    embedded.start();
                }
                awaitListening(Duration.ofSeconds(10));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start Redis on port " + port, e);
            }
        }

        synchronized void stop() {
            try {
                if (process != null) {
                    process.destroy();
                    process.waitFor();
                    process = null;
                }
                if (embedded != null) {
                    embedded.stop();
                    embedded = null;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private void awaitListening(Duration limit) {
            final Instant deadline = Instant.now().plus(limit);
            while (Instant.now().isBefore(deadline)) {
                try (Socket ignored = new Socket("127.0.0.1", port)) {
                    return;
                } catch (IOException notYet) {
                    pause();
                }
            }
            throw new IllegalStateException("Redis did not listen on port " + port + " within " + limit);
        }

        private static void pause() {
            try {
                Thread.sleep(20); // polling a child process's start-up, not waiting for time to pass
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
