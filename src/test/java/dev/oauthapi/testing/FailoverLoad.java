package dev.oauthapi.testing;

import dev.oauthapi.testing.TestHttp.Answer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Clients looping sign-in, {@code /api/users/me}, refresh and sign-out against the service while
 * its Redis fails over, and one that keeps presenting the access token of a session revoked
 * before. Every answer is held to what a client may see while Redis is away: the request works,
 * or it is refused with 503 (try again); never a 500, never a live session refused (a spurious
 * logout), never a revoked one accepted. Bounded: each client stops when told, or after
 * {@link #LIMIT}.
 */
public final class FailoverLoad implements AutoCloseable {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final TestHttp http;
    private final Supplier<Answer> signIn;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicReference<Instant> lastRefused = new AtomicReference<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Instant deadline = Instant.now().plus(LIMIT);

    /** @param revokedAccess an access token whose session was revoked: refused on every request */
    public FailoverLoad(TestHttp http, Supplier<Answer> signIn, String revokedAccess, int clients) {
        this.http = http;
        this.signIn = signIn;
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofVirtual().name("failover-client-" + i).start(this::loop));
        }
        threads.add(Thread.ofVirtual().name("failover-revoked").start(() -> {
            while (running()) {
                final Answer me = count(http.get("/api/users/me", revokedAccess), true);
                if (me.status() == 200) {
                    violations.add("a revoked session was accepted: " + me);
                }
            }
        }));
    }

    private boolean running() {
        return !stop.get() && Instant.now().isBefore(deadline);
    }

    private void loop() {
        while (running()) {
            final Answer signedIn = count(signIn.get(), false);
            if (signedIn.status() != 200) {
                continue;
            }
            final String access = signedIn.json().path("tokens").path("accessToken").asText();
            final String refresh = signedIn.json().path("tokens").path("refreshToken").asText();
            count(http.get("/api/users/me", access), false);
            final Answer refreshed = count(http.post("/api/auth/refresh", Map.of("refreshToken", refresh)), false);
            final String current = refreshed.status() == 200
                    ? refreshed.json().path("accessToken").asText() : access;
            if (count(http.post("/api/auth/logout", Map.of(), current), false).status() == 204) {
                final Answer after = count(http.get("/api/users/me", current), true);
                if (after.status() == 200) {
                    violations.add("a session signed out was accepted: " + after);
                }
            }
        }
    }

    /**
     * Counts an answer. A violation is anything but a success or a 503, except a 401 where the
     * session was revoked ({@code revoked}); a 401 anywhere else is a spurious logout.
     */
    private Answer count(Answer answer, boolean revoked) {
        requests.incrementAndGet();
        statuses.computeIfAbsent(answer.status(), status -> new AtomicInteger()).incrementAndGet();
        final int status = answer.status();
        if (status == 503) {
            lastRefused.set(Instant.now());
            if (!"service_unavailable".equals(answer.code()) || answer.header("Retry-After") == null) {
                violations.add("a 503 without its code and Retry-After: " + answer);
            }
        } else if (status >= 300 && !(revoked && status == 401)) {
            violations.add((status == 401 ? "a live session was refused: " : "unexpected answer: ") + answer);
        }
        return answer;
    }

    /** Every answer a client should not have seen. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** When the service last answered 503 (Redis away), or null if it never did. */
    public Instant lastRefused() {
        return lastRefused.get();
    }

    public int requests() {
        return requests.get();
    }

    public Map<Integer, Integer> statuses() {
        final Map<Integer, Integer> copy = new java.util.TreeMap<>();
        statuses.forEach((status, count) -> copy.put(status, count.get()));
        return copy;
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(30));
        }
    }
}
