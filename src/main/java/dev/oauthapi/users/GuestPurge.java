package dev.oauthapi.users;

import dev.oauthapi.db.UserDao;
import dev.oauthapi.sessions.Audit;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deletes the guests that have had no live session for {@code ANONYMOUS_RETENTION}, counted from
 * the end of their last session, in batches of {@link #BATCH}, each audited ({@code guest_deleted}),
 * every {@link #INTERVAL} while the service runs. With several instances each runs it; a batch
 * skips the rows another holds.
 */
public final class GuestPurge implements Managed {
    static final Duration INTERVAL = Duration.ofMinutes(10);
    static final int BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger(GuestPurge.class);

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration retention;
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("guest-purge").daemon().factory());

    public GuestPurge(Jdbi jdbi, Clock clock, Duration retention) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.retention = retention;
    }

    /** Purges now; returns how many guests went. */
    public int purge() {
        final Instant now = clock.instant();
        int total = 0;
        int deleted;
        do {
            deleted = jdbi.inTransaction(handle -> new UserDao(handle).purgeGuests(now.minus(retention), BATCH,
                    Audit.Event.GUEST_DELETED.stored(), now));
            total += deleted;
        } while (deleted == BATCH);
        return total;
    }

    private void purgeLogged() {
        try {
            final int purged = purge();
            if (purged > 0) {
                LOG.info("Deleted {} guests unused for {}", purged, retention);
            }
        } catch (RuntimeException e) {
            // The next run tries again; a failed purge must not stop the schedule.
            LOG.warn("Guest purge failed: {}", e.toString());
        }
    }

    @Override
    public void start() {
        schedule.scheduleWithFixedDelay(this::purgeLogged, INTERVAL.toSeconds(), INTERVAL.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        schedule.shutdownNow(); // a batch is one statement: it finishes or rolls back
        schedule.awaitTermination(3, TimeUnit.SECONDS);
    }
}
