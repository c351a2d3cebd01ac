package dev.oauthapi.health;

import com.codahale.metrics.health.HealthCheck;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.Graceful;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A stop that drops nothing. On SIGTERM the instance first says it is not ready (this check, on
 * the admin {@code /healthcheck} that load balancers poll, turns unhealthy) while it keeps serving
 * for {@code delay}, every answer saying {@code Connection: close} meanwhile
 * ({@link #isDraining}), so clients on kept-alive connections reconnect elsewhere. Then the
 * listeners close and the connections still open finish their requests (within the shutdown
 * grace period); only after that does the server stop, so no request is ever answered 503 by a
 * stopping Jetty; then the background workers stop. Liveness ({@code GET /health}) stays 200
 * throughout: the process is fine, it is leaving. Jetty's own stop-at-shutdown hook is replaced
 * by this one, so the order is ours.
 */
public final class Drain extends HealthCheck {
    private static final Logger LOG = LoggerFactory.getLogger(Drain.class);

    private final Duration delay;
    private volatile boolean draining;

    public Drain(Duration delay) {
        this.delay = delay;
    }

    /** The readiness check ("drain"), and the stop that drains once the server runs. */
    public static Drain register(io.dropwizard.core.setup.Environment environment, Duration delay) {
        final Drain drain = new Drain(delay);
        environment.healthChecks().register("drain", drain);
        environment.lifecycle().addServerLifecycleListener(drain::installFor);
        return drain;
    }

    /** Called once the server runs: from now on, SIGTERM drains it. */
    public void installFor(Server server) {
        server.setStopAtShutdown(false);
        final Thread hook = new Thread(() -> drain(server), "drain");
        Runtime.getRuntime().addShutdownHook(hook);
        // Stopped otherwise (a test, an embedding application): the hook has nothing left to do.
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopped(LifeCycle event) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // this stop is the hook's own
                }
            }
        });
    }

    public boolean isDraining() {
        return draining;
    }

    /** The stop that SIGTERM starts (tests call it directly). */
    void drain(Server server) {
        if (!server.isRunning()) {
            return;
        }
        draining = true;
        LOG.info("Stopping: not ready from now, serving for {} s more before the listeners close",
                delay.toMillis() / 1000.0);
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cut short: stop now rather than not at all
        }
        closeConnectors(server);
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("Stopping the server failed: {}", e.toString());
        }
    }

    /**
     * Stops accepting, and waits (at most the server's stop timeout, the shutdown grace period)
     * until the open connections are done: each finishes the request it has, answered in full
     * with {@code Connection: close}, and an idle one is closed by Jetty. A server stopped with
     * connections still open would answer their next request 503.
     */
    private static void closeConnectors(Server server) {
        final CompletableFuture<?>[] closing = Arrays.stream(server.getConnectors())
                .filter(Graceful.class::isInstance)
                .map(connector -> ((Graceful) connector).shutdown())
                .toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(closing).get(Math.max(1, server.getStopTimeout()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Connections still open after the grace period: stopping anyway");
        } catch (ExecutionException e) {
            LOG.warn("Closing the listeners failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected Result check() {
        return draining ? Result.unhealthy("draining: this instance is stopping") : Result.healthy();
    }
}
