package dev.oauthapi.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The packaged jar ({@code target/oauth-api.jar}, or {@code -Doauthapi.jar}) run as a server in a
 * process of its own, with exactly the environment given, as a container would run it.
 */
public final class JarProcess {
    public static final Path JAR = Path.of(System.getProperty("oauthapi.jar", "target/oauth-api.jar"));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private JarProcess() {
    }

    /** Starts the server and returns once its {@code GET /health} answers 200 on {@code HOST:PORT}. */
    public static Process start(Map<String, String> env, Path log) throws IOException, InterruptedException {
        final ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "server", TestApp.CONFIG).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        final Process process = builder.start();
        final URI health = URI.create("http://" + env.getOrDefault("HOST", "127.0.0.1") + ":" + env.get("PORT") + "/health");
        final Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return process;
                }
            } catch (IOException notYet) {
                // starting
            }
            if (!process.isAlive()) {
                throw new AssertionError("the jar exited while starting: " + Files.readString(log));
            }
            Thread.sleep(100); // polling a child process's start-up, not waiting for time to pass
        }
        process.destroyForcibly();
        throw new AssertionError("the jar did not start within 60 s: " + Files.readString(log));
    }
}
