package dev.oauthapi.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real PgBouncer (Debian's {@code pgbouncer}, 1.18) in transaction pooling mode in front of the
 * test PostgreSQL, on a port of its own, started and stopped by the test. As root (CI), it runs
 * as {@code nobody}: PgBouncer refuses to run as root.
 */
public final class TestPgBouncer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private TestPgBouncer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** In front of the database named in {@code env} (a {@link TestEnvironment} map). */
    public static TestPgBouncer start(Map<String, String> env) {
        try {
            final Path dir = Files.createTempDirectory("pgbouncer");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            final int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            final Path users = dir.resolve("userlist.txt");
            Files.writeString(users, "\"" + env.get("DATABASE_USERNAME") + "\" \"" + env.get("DATABASE_PASSWORD") + "\"\n");
            final Path ini = dir.resolve("pgbouncer.ini");
            Files.writeString(ini, String.join("\n",
                    "[databases]",
                    "* = host=" + env.get("DATABASE_HOST") + " port=" + env.get("DATABASE_PORT"),
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    "listen_port = " + port,
                    "unix_socket_dir =",
                    "auth_type = trust",
                    "auth_file = " + users,
                    "pool_mode = transaction",
                    "default_pool_size = 4",
                    "max_client_conn = 200",
                    "ignore_startup_parameters = extra_float_digits,options",
                    "server_reset_query =",
                    "logfile = " + dir.resolve("pgbouncer.log"),
                    "pidfile = " + dir.resolve("pgbouncer.pid"),
                    ""));
            for (Path file : List.of(users, ini)) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
            final List<String> command = new ArrayList<>(List.of(Program.PGBOUNCER.path().toString()));
            if ("root".equals(System.getProperty("user.name"))) {
                command.addAll(List.of("-u", "nobody"));
            }
            command.add(ini.toString());
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile()).start();
            final Instant deadline = Instant.now().plusSeconds(15);
            while (Instant.now().isBefore(deadline)) {
                try (Socket probe = new Socket("127.0.0.1", port)) {
                    return new TestPgBouncer(process, port, dir);
                } catch (IOException notYet) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("pgbouncer exited: " + Files.readString(dir.resolve("stdout.log")));
                    }
                    Thread.sleep(100);
                }
            }
            process.destroyForcibly();
            throw new IllegalStateException("pgbouncer did not listen within 15 s");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start pgbouncer (Debian package pgbouncer)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    /** What PgBouncer logged (for a failing test's message). */
    public String log() {
        try {
            return Files.readString(dir.resolve("pgbouncer.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }
}
