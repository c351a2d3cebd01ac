package dev.oauthapi.health;

import com.codahale.metrics.health.HealthCheck;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * A stop that drops nothing. On SIGTERM the instance first says it is not ready (this check, on
 * the admin {@code /healthcheck} that load balancers poll, turns unhealthy) while it keeps serving
 * for {@code delay}; only then does Jetty stop listening, give the requests in flight its
 * shutdown grace period, and stop the background workers. Liveness ({@code GET /health}) stays 200
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

    private void drain(Server server) {
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
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("Stopping the server failed: {}", e.toString());
        }
    }

    @Override
    protected Result check() {
        return draining ? Result.unhealthy("draining: this instance is stopping") : Result.healthy();
    }
}
