package dev.oauthapi.sessions;

import dev.oauthapi.db.SessionDao;
import dev.oauthapi.db.UserDao;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deletes sessions that can never be used again (revoked, or past their idle or absolute expiry)
 * once they have been so for {@link #RETENTION}, with their refresh tokens, in small batches so
 * that no purge holds locks for long; and guests that have had no live session for
 * {@code ANONYMOUS_RETENTION}, counted from the end of their last one, whose ended sessions it
 * keeps until then for that count ({@link #purgeGuests}). Runs every {@link #INTERVAL} while the
 * service runs; the audit log keeps the history.
 */
public final class SessionPurge implements Managed {
    static final Duration RETENTION = Duration.ofDays(1);
    static final Duration INTERVAL = Duration.ofMinutes(10);
    static final int BATCH = 1000;
    static final int SWEEP_BATCH = 10_000;
    static final int GUEST_BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger(SessionPurge.class);

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration guestRetention;
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("session-purge").daemon().factory());

    /** @param guestRetention {@code ANONYMOUS_RETENTION} */
    public SessionPurge(Jdbi jdbi, Clock clock, Duration guestRetention) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.guestRetention = guestRetention;
    }

    /**
     * Deletes the guests unused for the retention, in batches (a batch skips the rows another
     * instance holds), each audited as {@code guest_deleted}; returns how many went. None had a
     * live session, so no access token needs a tombstone.
     */
    public int purgeGuests() {
        final Instant now = clock.instant();
        int total = 0;
        int deleted;
        do {
            deleted = jdbi.inTransaction(handle -> new UserDao(handle).purgeGuests(now.minus(guestRetention), GUEST_BATCH,
                    Audit.Event.GUEST_DELETED.stored(), now));
            total += deleted;
        } while (deleted == GUEST_BATCH);
        return total;
    }

    /** Purges now; returns how many sessions went. */
    public int purge() {
        final var before = clock.instant().minus(RETENTION);
        int total = 0;
        int deleted;
        do {
            deleted = jdbi.withHandle(handle -> new SessionDao(handle).purgeEnded(before, BATCH));
            total += deleted;
        } while (deleted == BATCH);
        // Past their idle expiry: a walk over the whole table in key order, a batch a statement.
        UUID reached = new UUID(0, 0);
        while (reached != null) {
            final UUID after = reached;
            final SessionDao.Sweep sweep = jdbi.withHandle(handle -> new SessionDao(handle).sweepIdle(after, before,
                    SWEEP_BATCH));
            total += sweep.deleted();
            reached = sweep.reached();
        }
        return total;
    }

    private void purgeLogged() {
        try {
            final int purged = purge();
            final int guests = purgeGuests();
            if (purged > 0 || guests > 0) {
                LOG.info("Purged {} ended sessions and {} unused guests", purged, guests);
            }
        } catch (RuntimeException e) {
            // The next run tries again; a failed purge must not stop the schedule.
            LOG.warn("Session purge failed: {}", e.toString());
        }
    }

    @Override
    public void start() {
        schedule.scheduleWithFixedDelay(this::purgeLogged, INTERVAL.toSeconds(), INTERVAL.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        schedule.shutdownNow(); // a purge batch is one statement: it finishes or rolls back
        schedule.awaitTermination(3, java.util.concurrent.TimeUnit.SECONDS);
    }
}
