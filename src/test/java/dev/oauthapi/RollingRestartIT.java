package dev.oauthapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.JarProcess;
import dev.oauthapi.testing.LocalPorts;
import dev.oauthapi.testing.Needs;
import dev.oauthapi.testing.Program;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import dev.oauthapi.tokens.SigningKeyFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three instances of the packaged jar on 127.0.0.1, .2 and .3 (as three containers, same ports),
 * sharing PostgreSQL and Redis, behind the real Caddy with the shipped Caddyfile. What one
 * instance does, the others know at once: a revocation, a refresh's grace answer, a rate count.
 * Then a rolling restart of all three under load (clients looping sign-in, refresh and
 * {@code /api/users/me} through Caddy) during which a new signing key is added and starts
 * signing: not one request fails, no session is logged out, no token is refused.
 */
@Needs(Program.CADDY)
class RollingRestartIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLIENT = "rolling.apps.googleusercontent.com";
    private static final List<String> HOSTS = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
    /**
     * The new key is made just before the instances start, so every instance, old or restarted,
     * has it from its start (as after "generate, distribute, wait"); it starts signing this long
     * after, while the rolling restart is under way or just after it.
     */
    private static final Duration ACTIVATION_DELAY = Duration.ofSeconds(40);
    private static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    private static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    private static final List<Process> PROCESSES = new ArrayList<>();

    @AfterAll
    static void stop() throws InterruptedException {
        for (Process process : PROCESSES) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        GOOGLE.close();
        APPLE.close();
    }

    private static Map<String, String> instance(Map<String, String> env, String host) {
        final Map<String, String> own = new HashMap<>(env);
        own.put("HOST", host);
        own.put("ADMIN_HOST", host);
        return own;
    }

    private static Process start(Map<String, String> env, String host, Path logs) throws Exception {
        final Process process = JarProcess.start(instance(env, host), Files.createTempFile(logs, host + "-", ".log"));
        PROCESSES.add(process);
        return process;
    }

    private static Process caddy(Map<String, String> env, int site, Path home) throws Exception {
        final ProcessBuilder builder = new ProcessBuilder(Program.CADDY.path().toString(), "run", "--config", "docker/caddy/Caddyfile",
                "--adapter", "caddyfile").redirectErrorStream(true).redirectOutput(home.resolve("caddy.log").toFile());
        final Map<String, String> vars = builder.environment();
        vars.put("CADDY_DOMAIN", "http://127.0.0.1:" + site);
        vars.put("CADDY_LOCAL_ADDRESS", "http://localhost:" + LocalPorts.free());
        vars.put("CADDY_ADMIN", "127.0.0.1:" + LocalPorts.free());
        vars.put("CADDY_HTTP_PORT", Integer.toString(LocalPorts.free()));
        vars.put("CADDY_HTTPS_PORT", Integer.toString(LocalPorts.free()));
        vars.put("XDG_DATA_HOME", home.toString());
        vars.put("XDG_CONFIG_HOME", home.toString());
        vars.put("API_UPSTREAM", String.join(" ", HOSTS.stream().map(host -> host + ":" + env.get("PORT")).toList()));
        vars.put("API_HEALTH_PORT", env.get("ADMIN_PORT"));
        vars.put("API_HEALTH_INTERVAL", "1s");
        final Process process = builder.start();
        PROCESSES.add(process);
        final Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (new TestHttp(site).get("/health", null).status() == 200) {
                    return process;
                }
            } catch (RuntimeException notYet) {
                // starting
            }
            Thread.sleep(100); // polling Caddy's start-up
        }
        throw new AssertionError("Caddy did not start: " + Files.readString(home.resolve("caddy.log")));
    }

    private static String keyIdOf(String accessToken) {
        try {
            final String header = new String(Base64.getUrlDecoder().decode(accessToken.substring(0, accessToken.indexOf('.'))),
                    StandardCharsets.UTF_8);
            return JSON.readTree(header).path("kid").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Answer signIn(TestHttp http) {
        return http.post("/api/auth/google", Map.of("idToken", GOOGLE.token(CLIENT, "rolling-" + UUID.randomUUID()).build()));
    }

    @Test
    void threeInstancesShareEverythingAndRestartOneByOneUnderLoadWhileTheKeyRolls() throws Exception {
        final Map<String, String> env = TestEnvironment.withProviders(GOOGLE, CLIENT, APPLE, "com.example.rolling");
        env.put("PORT", Integer.toString(LocalPorts.free()));
        env.put("ADMIN_PORT", Integer.toString(LocalPorts.free()));
        env.put("DRAIN_DELAY", "2s");
        env.put("TRUSTED_PROXIES", "127.0.0.1/32");
        env.put("JWT_KEY_ACTIVATION_DELAY", ACTIVATION_DELAY.toSeconds() + "s");
        TestApp.migrate(env);
        final Path newKey = new SigningKeyFiles(Path.of(env.get("JWT_KEYS_DIR"))).generate(Clock.systemUTC(), new SecureRandom());
        final String newKeyId = newKey.getFileName().toString().replace(".pem", "");
        final Instant activation = Instant.now().plus(ACTIVATION_DELAY);
        final int port = Integer.parseInt(env.get("PORT"));
        final Path logs = Files.createTempDirectory("rolling");
        final List<Process> instances = new ArrayList<>();
        for (String host : HOSTS) {
            instances.add(start(env, host, logs));
        }
        final int site = LocalPorts.free();
        caddy(env, site, logs);
        final TestHttp caddy = new TestHttp(site);
        final List<TestHttp> direct = HOSTS.stream().map(host -> new TestHttp(host, port)).toList();

        // Shared at once: a sign-in on the first is known to the others; a sign-out on the second is
        // refused on the third; the refresh grace answer on another instance; one rate count.
        final Answer signedIn = signIn(direct.get(0));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        final String refresh = signedIn.json().path("tokens").path("refreshToken").asText();
        final Answer rotated = direct.get(0).post("/api/auth/refresh", Map.of("refreshToken", refresh));
        final Answer graced = direct.get(1).post("/api/auth/refresh", Map.of("refreshToken", refresh));
        assertThat(rotated.status()).isEqualTo(200);
        assertThat(graced.status()).as("the grace answer on another instance: " + graced).isEqualTo(200);
        assertThat(graced.json().path("refreshToken").asText()).isEqualTo(rotated.json().path("refreshToken").asText());
        final String access = rotated.json().path("accessToken").asText();
        final List<Long> remaining = new ArrayList<>();
        for (TestHttp http : direct) {
            final Answer me = http.get("/api/users/me", access);
            assertThat(me.status()).isEqualTo(200);
            remaining.add(Long.parseLong(me.header("RateLimit-Remaining")));
        }
        assertThat(remaining).as("one rate count for all three").containsExactly(remaining.get(0), remaining.get(0) - 1,
                remaining.get(0) - 2);
        assertThat(direct.get(1).post("/api/auth/logout", Map.of(), access).status()).isEqualTo(204);
        assertThat(direct.get(2).get("/api/users/me", access).status()).as("revoked on one, refused on another").isEqualTo(401);
        assertThat(direct.get(0).get("/api/users/me", access).status()).isEqualTo(401);

        // Load through Caddy: each client signs in, then loops refresh and /me, signing in anew now and then.
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger requests = new AtomicInteger();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final Map<String, AtomicInteger> acceptedByKey = new ConcurrentHashMap<>();
        final List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    try {
                        final Answer first = signIn(caddy);
                        requests.incrementAndGet();
                        if (first.status() != 200) {
                            failures.add("sign-in: " + first);
                            continue;
                        }
                        String token = first.json().path("tokens").path("refreshToken").asText();
                        for (int round = 0; round < 10 && !stop.get(); round++) {
                            final Answer next = caddy.post("/api/auth/refresh", Map.of("refreshToken", token));
                            requests.incrementAndGet();
                            if (next.status() != 200) {
                                failures.add("refresh: " + next);
                                break;
                            }
                            token = next.json().path("refreshToken").asText();
                            final String accessToken = next.json().path("accessToken").asText();
                            final Answer me = caddy.get("/api/users/me", accessToken);
                            requests.incrementAndGet();
                            if (me.status() != 200) {
                                failures.add("me: " + me);
                                break;
                            }
                            acceptedByKey.computeIfAbsent(keyIdOf(accessToken), kid -> new AtomicInteger()).incrementAndGet();
                            Thread.sleep(10); // a client's pace: the instances restart on a busy machine, not a saturated one
                        }
                    } catch (RuntimeException e) {
                        failures.add("no answer: " + e);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        Thread.sleep(1_000);
        assertThat(acceptedByKey).as("the old key signs until the new one is due").doesNotContainKey(newKeyId);
        for (int i = 0; i < HOSTS.size(); i++) {
            final Process old = instances.get(i);
            old.destroy(); // SIGTERM, as docker stop sends it: not ready first, serving through the drain
            assertThat(old.waitFor(30, TimeUnit.SECONDS)).as("instance %d stops", i).isTrue();
            instances.set(i, start(env, HOSTS.get(i), logs));
            Thread.sleep(2_500); // Caddy's health checks (every second) see it back before the next goes
        }
        final Instant deadline = activation.plusSeconds(30);
        while (!acceptedByKey.containsKey(newKeyId) && Instant.now().isBefore(deadline) && failures.isEmpty()) {
            Thread.sleep(200); // polling the clients until tokens of the new key come back
        }
        Thread.sleep(2_000); // tokens of both keys in flight together, across all instances
        stop.set(true);
        for (Thread client : clients) {
            client.join(Duration.ofSeconds(30));
        }

        System.out.printf("Rolling restart of 3 instances behind Caddy: %d requests, %d failed; tokens accepted by key: %s%n",
                requests.get(), failures.size(), acceptedByKey);
        assertThat(failures).as("not one failed request, no logout, no refused token").isEmpty();
        assertThat(requests.get()).isGreaterThan(200);
        assertThat(acceptedByKey).as("tokens of the new key were issued and accepted").containsKey(newKeyId);
        assertThat(acceptedByKey.size()).as("and of the old one").isEqualTo(2);
        for (TestHttp http : direct) {
            final JsonNode jwks = http.get("/.well-known/jwks.json", null).json();
            final Set<String> kids = new java.util.HashSet<>();
            jwks.path("keys").forEach(key -> kids.add(key.path("kid").asText()));
            assertThat(kids).as("every instance publishes both keys").hasSize(2).contains(newKeyId);
        }
        try (var files = Files.list(logs)) {
            for (Path log : files.filter(file -> file.getFileName().toString().startsWith("127.")).toList()) {
                assertThat(Files.readString(log)).as("every instance, old and new, served: %s", log)
                        .contains("/api/auth/refresh");
            }
        }
    }
}
