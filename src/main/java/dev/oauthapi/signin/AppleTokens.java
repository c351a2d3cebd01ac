package dev.oauthapi.signin;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import dev.oauthapi.db.IdentityDao;
import dev.oauthapi.db.RevocationDao;
import dev.oauthapi.db.RevocationRow;
import dev.oauthapi.identity.AppleTokenClient;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.identity.VerifiedIdToken;
import dev.oauthapi.sessions.Audit;
import dev.oauthapi.tokens.ProviderTokenCipher;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Apple's refresh tokens over their life: exchanged from the app's authorization code at sign-in
 * and stored encrypted, then revoked when the account is deleted or the Apple identity unlinked.
 * Revocations go through the {@code provider_revocations} outbox, written in the deleting
 * transaction; this worker works it off, retrying with backoff, so a crash or an Apple outage never
 * loses one. Every attempt and its outcome are audited.
 */
public final class AppleTokens implements Managed {
    static final int MAX_ATTEMPTS = 20;
    static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    static final Duration LONGEST_RETRY = Duration.ofHours(6);
    private static final int BATCH = 20;
    /** Longer than a batch of calls can take (each bounded by the client's timeouts). */
    static final Duration LEASE = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(AppleTokens.class);

    private final AppleTokenClient client;
    private final ProviderTokenCipher cipher;
    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration pollInterval;
    private final Meter exchangeFailures;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("apple-revocations").daemon().factory());

    public AppleTokens(AppleTokenClient client, ProviderTokenCipher cipher, Jdbi jdbi, Clock clock,
                       Duration pollInterval, MetricRegistry metrics) {
        this.client = client;
        this.cipher = cipher;
        this.jdbi = jdbi;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.exchangeFailures = metrics.meter(MetricRegistry.name(AppleTokens.class, "exchange-failures"));
    }

    /**
     * Exchanges the authorization code of a sign-in that has succeeded. Never fails the sign-in:
     * a failure is logged, counted, and recorded on the identity.
     */
    public void afterSignIn(VerifiedIdToken token, String authorizationCode) {
        afterSignIn(token, authorizationCode, null);
    }

    /** @param redirectUri the browser sign-in's callback, which Apple wants with its code; else null */
    public void afterSignIn(VerifiedIdToken token, String authorizationCode, String redirectUri) {
        if (authorizationCode == null || token.provider() != Provider.APPLE) {
            return;
        }
        final String apple = Provider.APPLE.wireName();
        try {
            final AppleTokenClient.Exchanged exchanged = client.exchange(authorizationCode, token.clientId(),
                    token.subject(), redirectUri);
            final ProviderTokenCipher.Sealed sealed = cipher.seal(exchanged.refreshToken());
            jdbi.useTransaction(handle -> {
                final Instant now = clock.instant();
                if (new IdentityDao(handle).storeProviderToken(apple, token.subject(), token.clientId(),
                        sealed.ciphertext(), sealed.keyId(), now) == 0) {
                    // The identity went (account deleted, unlinked) while Apple answered: revoke at once.
                    new RevocationDao(handle).insert(apple, token.clientId(), sealed.ciphertext(),
                            sealed.keyId(), null, now);
                }
            });
        } catch (IOException | RuntimeException e) {
            exchangeFailures.mark();
            final String reason = AppleTokenClient.printable(String.valueOf(e.getMessage()), 500);
            LOG.warn("Apple code exchange failed for subject {}: {}", token.subject(), reason);
            try {
                jdbi.useHandle(handle -> new IdentityDao(handle).recordExchangeFailure(apple, token.subject(),
                        reason, clock.instant()));
            } catch (RuntimeException recording) {
                // The sign-in has committed: a note we could not write must not fail it.
                LOG.warn("Could not record the failed Apple code exchange for subject {}: {}", token.subject(),
                        recording.toString());
            }
        }
    }

    /**
     * The revocation outbox for the gauges: how many are waiting, and for how many seconds the
     * oldest has. Read once a second at most, so the two gauges of one scrape share one query.
     */
    public double[] backlog() {
        final Instant now = clock.instant();
        final Backlog last = lastBacklog;
        if (last != null && now.isBefore(last.readAt().plusSeconds(1))) {
            return last.values();
        }
        final RevocationDao.Backlog backlog = jdbi.withHandle(handle -> new RevocationDao(handle).backlog());
        final double[] values = {backlog.depth(), backlog.oldest() == null ? 0
                : java.time.Duration.between(backlog.oldest(), now).toMillis() / 1000.0};
        lastBacklog = new Backlog(now, values);
        return values;
    }

    private record Backlog(Instant readAt, double[] values) {
    }

    private volatile Backlog lastBacklog;

    /**
     * Revokes what is due now; returns how many it tried. Also the admin task's work. Due rows are
     * claimed (leased for {@link #LEASE}) in one short transaction; Apple is called outside any
     * transaction, and each outcome recorded in a short one of its own. A process that dies
     * mid-call leaves its claims to expire and be tried again: Apple answers 200 for a token it
     * already revoked, so a second try is harmless.
     */
    public int processDue() {
        final List<RevocationRow> claimed = jdbi.inTransaction(handle -> {
            final Instant now = clock.instant();
            final RevocationDao revocations = new RevocationDao(handle);
            final List<RevocationRow> due = revocations.lockDue(now, BATCH);
            due.forEach(row -> revocations.lease(row.id(), now.plus(LEASE)));
            return due;
        });
        int tried = 0;
        for (RevocationRow due : claimed) {
            if (Thread.currentThread().isInterrupted()) {
                handBack(claimed.subList(tried, claimed.size())); // shutting down: due again at once, for another instance
                break;
            }
            tried++;
            try {
                client.revoke(cipher.open(new ProviderTokenCipher.Sealed(due.tokenSealed(), due.tokenKeyId())), due.clientId());
                record(due, null);
            } catch (IOException | RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    handBack(claimed.subList(tried - 1, claimed.size())); // our own shutdown: the attempt does not count
                    break;
                }
                record(due, String.valueOf(e.getMessage()));
            }
        }
        return tried;
    }

    private void record(RevocationRow due, String error) {
        final int attempt = due.attempts() + 1;
        jdbi.useTransaction(handle -> {
            final Instant now = clock.instant();
            final RevocationDao revocations = new RevocationDao(handle);
            if (error == null) {
                revocations.completed(due.id(), now);
                Audit.record(handle, now, Audit.Event.PROVIDER_TOKEN_REVOKED, due.userId(), null, null, null,
                        Map.of("provider", due.provider(), "revocation", due.id(), "attempt", attempt));
                return;
            }
            final boolean abandon = attempt >= MAX_ATTEMPTS;
            revocations.failed(due.id(), now, now.plus(backoff(attempt)), error, abandon);
            Audit.record(handle, now, abandon ? Audit.Event.PROVIDER_TOKEN_REVOKE_ABANDONED : Audit.Event.PROVIDER_TOKEN_REVOKE_FAILED,
                    due.userId(), null, null, null, Map.of("provider", due.provider(), "revocation", due.id(),
                            "attempt", attempt, "error", error));
            LOG.warn("Revoking an Apple token (revocation {}) failed, attempt {}: {}", due.id(), attempt, error);
        });
    }

    /** Claims this instance will not work on after all, due again now rather than when their lease runs out. */
    private void handBack(List<RevocationRow> claims) {
        try {
            final Instant now = clock.instant();
            jdbi.useHandle(handle -> claims.forEach(row -> new RevocationDao(handle).lease(row.id(), now)));
        } catch (RuntimeException e) {
            LOG.warn("Could not hand back {} Apple revocation claims; their leases run out instead: {}", claims.size(),
                    e.toString());
        }
    }

    /** 30 s, 1 min, 2 min, ... at most 6 h between attempts. */
    static Duration backoff(int attempt) {
        final Duration next = FIRST_RETRY.multipliedBy(1L << Math.min(attempt - 1, 20));
        return next.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : next;
    }

    private void processLogged() {
        try {
            processDue();
        } catch (RuntimeException e) {
            // The next round tries again; the outbox keeps everything.
            LOG.warn("Apple revocation round failed: {}", e.toString());
        }
    }

    @Override
    public void start() {
        worker.scheduleWithFixedDelay(this::processLogged, pollInterval.toMillis(), pollInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        worker.shutdownNow(); // interrupts a round, which hands back what it has not done
        worker.awaitTermination(5, TimeUnit.SECONDS);
    }
}
