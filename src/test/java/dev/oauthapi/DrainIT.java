package dev.oauthapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.JarProcess;
import dev.oauthapi.testing.KeepAlive;
import dev.oauthapi.testing.LocalPorts;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stop under load, on the packaged jar: SIGTERM while 16 clients loop {@code /api/users/me} and
 * chained refreshes. The instance turns not ready at once and keeps serving for its drain delay;
 * the clients, like a load balancer, stop sending when they see it; every request sent got a 200,
 * none was cut off; then the listeners close and the process exits. Started again on the same
 * databases, every client's last refresh token still works: no refresh was lost.
 */
class DrainIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT = "drain.apps.googleusercontent.com";
    private static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    private static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);

    @AfterAll
    static void stop() {
        GOOGLE.close();
        APPLE.close();
    }

    private record Reply(int status, JsonNode json) {
    }

    /** One HTTP/1.1 request on a connection of its own, closed after it: nothing hides in a pool. */
    private static Reply send(int port, String method, String path, String bearer, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            final byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            final String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n")
                    + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + payload.length + "\r\n")
                    + "\r\n";
            final OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(payload);
            out.flush();
            final InputStream in = socket.getInputStream();
            final String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (response.length() < 12) {
                throw new IOException("no answer: [" + response + "]");
            }
            final int status = Integer.parseInt(response.substring(9, 12));
            final int start = response.indexOf("\r\n\r\n");
            final String text = start < 0 ? "" : response.substring(start + 4).strip();
            return new Reply(status, text.startsWith("{") ? JSON.readTree(text) : JSON.createObjectNode());
        }
    }

    /**
     * Every line is JSON under OpenTelemetry's names: the request log with method, path, route
     * template, status, duration, user and request id; the application log with severity, body
     * and logger. No e-mail address and no token anywhere.
     */
    private static void assertLogLinesFollowOneConvention(List<String> lines) throws IOException {
        JsonNode access = null;
        JsonNode application = null;
        for (String line : lines) {
            if (!line.startsWith("{")) {
                continue;
            }
            final JsonNode json = JSON.readTree(line);
            if ("/api/users/me".equals(json.path("http.route").asText()) && access == null) {
                access = json;
            }
            if (json.has("severity_text") && application == null) {
                application = json;
            }
            assertThat(line).doesNotContainPattern("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\\.[A-Za-z.]+").doesNotContain("eyJ");
        }
        assertThat(access).as("a request-log line of /api/users/me").isNotNull();
        assertThat(access.path("http.request.method").asText()).isEqualTo("GET");
        assertThat(access.path("url.path").asText()).isEqualTo("/api/users/me");
        assertThat(access.path("http.response.status_code").asInt()).isEqualTo(200);
        assertThat(access.path("http.server.request.duration").isNumber()).isTrue();
        assertThat(access.path("user.id").asText()).hasSize(36);
        assertThat(access.path("http.request.header.x-request-id").asText()).isNotEmpty();
        assertThat(access.path("client.address").asText()).isEqualTo("127.0.0.1");
        assertThat(application).as("an application log line").isNotNull();
        assertThat(application.has("body")).isTrue();
        assertThat(application.has("code.namespace")).isTrue();
        assertThat(application.has("timestamp")).isTrue();
    }

    @Test
    void aStopUnderLoadAnswersEveryRequestItTookAndLosesNoRefresh() throws Exception {
        final Map<String, String> env = TestEnvironment.withProviders(GOOGLE, CLIENT, APPLE, "com.example.drain");
        final int port = LocalPorts.free();
        final int admin = LocalPorts.free();
        env.put("PORT", Integer.toString(port));
        env.put("ADMIN_PORT", Integer.toString(admin));
        env.put("DRAIN_DELAY", "3s");
        env.put("LOG_FORMAT", "json"); // as shipped: the log lines are checked below too
        TestApp.migrate(env);
        final Path log = Files.createTempFile("drain", ".log");
        final Process server = JarProcess.start(env, log);

        final int clients = 16;
        final List<String> accessTokens = new ArrayList<>();
        final List<AtomicReference<String>> refreshTokens = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            final Reply signIn = send(port, "POST", "/api/auth/google", null, JSON.writeValueAsString(Map.of("idToken",
                    GOOGLE.token(CLIENT, "drain-" + UUID.randomUUID()).build())));
            assertThat(signIn.status()).as(signIn.json().toString()).isEqualTo(200);
            accessTokens.add(signIn.json().path("tokens").path("accessToken").asText());
            refreshTokens.add(new AtomicReference<>(signIn.json().path("tokens").path("refreshToken").asText()));
        }

        final AtomicBoolean balancerSeesItGone = new AtomicBoolean();
        final AtomicInteger answered = new AtomicInteger();
        final AtomicInteger answeredWhileDraining = new AtomicInteger();
        final AtomicBoolean stopping = new AtomicBoolean();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            final int client = i;
            threads.add(Thread.ofPlatform().start(() -> {
                while (!balancerSeesItGone.get()) {
                    try {
                        final Reply reply;
                        if (client % 2 == 0) {
                            reply = send(port, "GET", "/api/users/me", accessTokens.get(client), null);
                        } else {
                            reply = send(port, "POST", "/api/auth/refresh", null,
                                    JSON.writeValueAsString(Map.of("refreshToken", refreshTokens.get(client).get())));
                            if (reply.status() == 200) {
                                refreshTokens.get(client).set(reply.json().path("refreshToken").asText());
                            }
                        }
                        if (reply.status() != 200) {
                            failures.add("client " + client + ": " + reply.status() + " " + reply.json());
                        }
                        answered.incrementAndGet();
                        if (stopping.get()) {
                            answeredWhileDraining.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failures.add("client " + client + ": " + e);
                    }
                }
            }));
        }
        Thread.sleep(1_000);

        server.toHandle().destroy(); // SIGTERM, as docker stop sends it
        stopping.set(true);
        final Instant termAt = Instant.now();
        Duration notReadyAfter = null;
        while (Duration.between(termAt, Instant.now()).toSeconds() < 2) {
            if (send(admin, "GET", "/healthcheck", null, null).status() != 200) {
                notReadyAfter = Duration.between(termAt, Instant.now());
                break;
            }
            Thread.sleep(50);
        }
        final int liveness = send(port, "GET", "/health", null, null).status();
        Thread.sleep(500); // a load balancer's next check
        balancerSeesItGone.set(true);
        for (Thread thread : threads) {
            thread.join(10_000);
        }

        assertThat(notReadyAfter).as("readiness turned unhealthy").isNotNull();
        assertThat(notReadyAfter).isLessThan(Duration.ofSeconds(1));
        assertThat(liveness).as("liveness stays 200 while draining").isEqualTo(200);
        assertThat(failures).as("every request sent was answered 200").isEmpty();
        assertThat(answered.get()).isGreaterThan(clients);
        assertThat(answeredWhileDraining.get()).as("still serving after SIGTERM").isPositive();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("the process exits").isTrue();
        assertThat(Duration.between(termAt, Instant.now())).as("after its drain delay").isGreaterThan(Duration.ofSeconds(3));
        assertThat(Files.readString(log)).contains("Stopping: not ready from now");
        assertLogLinesFollowOneConvention(Files.readAllLines(log));

        final Process again = JarProcess.start(env, Files.createTempFile("drain-again", ".log"));
        try {
            for (int i = 1; i < clients; i += 2) {
                final Reply next = send(port, "POST", "/api/auth/refresh", null,
                        JSON.writeValueAsString(Map.of("refreshToken", refreshTokens.get(i).get())));
                assertThat(next.status()).as("client " + i + ": " + next.json()).isEqualTo(200);
            }
        } finally {
            again.destroy();
            again.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Clients on kept-alive connections, looping {@code GET /api/users/me} straight through a
     * SIGTERM until the instance is gone (no balancer to steer them away). While it drains, every
     * answer says {@code Connection: close}, so each client opens a new connection for its next
     * request; once the listener is closed, a new connection is refused and the client is done.
     * Never a 503, and never a request on a connection the service kept open left without its
     * answer. A connection a client opens after being told to close may meet the listener closing
     * (the kernel resets what it queued but Jetty never accepted): that client is "moved away",
     * as a balancer would have moved it.
     */
    @Test
    void keptAliveClientsThroughAStopGetNo503AndNoReset() throws Exception {
        final Map<String, String> env = TestEnvironment.withProviders(GOOGLE, CLIENT, APPLE, "com.example.drain");
        final int port = LocalPorts.free();
        env.put("PORT", Integer.toString(port));
        env.put("ADMIN_PORT", Integer.toString(LocalPorts.free()));
        env.put("DRAIN_DELAY", "2s");
        TestApp.migrate(env);
        final Path log = Files.createTempFile("drain-keepalive", ".log");
        final Process server = JarProcess.start(env, log);
        final String token = send(port, "POST", "/api/auth/google", null, JSON.writeValueAsString(Map.of("idToken",
                GOOGLE.token(CLIENT, "keepalive-" + UUID.randomUUID()).build()))).json().path("tokens")
                .path("accessToken").asText();
        final String request = "GET /api/users/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n";

        final Map<Integer, AtomicInteger> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        final AtomicInteger toldToClose = new AtomicInteger();
        final AtomicInteger movedAway = new AtomicInteger();
        final AtomicBoolean stopping = new AtomicBoolean();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final Instant deadline = Instant.now().plusSeconds(40);
        final List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            clients.add(Thread.ofPlatform().start(() -> {
                KeepAlive connection = null;
                boolean told = false;
                try {
                    while (Instant.now().isBefore(deadline)) {
                        if (connection == null) {
                            try {
                                connection = new KeepAlive("127.0.0.1", port);
                            } catch (java.net.ConnectException refused) {
                                if (stopping.get()) {
                                    return; // the listener is closed: this client moves on
                                }
                                throw refused;
                            }
                        }
                        final KeepAlive.Answer answer;
                        try {
                            answer = connection.exchange(request);
                        } catch (IOException e) {
                            if (told) {
                                movedAway.incrementAndGet(); // a new connection, after "Connection: close"
                                return;
                            }
                            failures.add("a request on a connection kept open got no answer: " + e);
                            return;
                        }
                        statuses.computeIfAbsent(answer.status(), status -> new AtomicInteger()).incrementAndGet();
                        if (answer.closes()) {
                            told = true;
                            toldToClose.incrementAndGet();
                            connection.close();
                            connection = null;
                        }
                    }
                    failures.add("still served after 40 s");
                } catch (IOException e) {
                    failures.add(e.toString());
                } finally {
                    if (connection != null) {
                        try {
                            connection.close();
                        } catch (IOException ignored) {
                            // closing our side of a finished test
                        }
                    }
                }
            }));
        }
        Thread.sleep(1_000);
        stopping.set(true);
        server.toHandle().destroy(); // SIGTERM
        for (Thread client : clients) {
            client.join(45_000);
        }
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("the process exits").isTrue();

        assertThat(failures).isEmpty();
        assertThat(statuses.keySet()).as("statuses seen: " + statuses).containsOnly(200);
        assertThat(toldToClose.get()).as("answers that said Connection: close while draining").isPositive();
        assertThat(Files.readString(log)).as("logback's own warnings at start (versions it could not match)")
                .doesNotContain("|-WARN in").contains("Found logback-access-common version");
    }
}
