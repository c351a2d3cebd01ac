package dev.oauthapi.sessions;

import dev.oauthapi.db.RefreshCandidate;
import dev.oauthapi.db.RefreshTokenDao;
import dev.oauthapi.db.RefreshTokenRow;
import dev.oauthapi.db.SessionDao;
import dev.oauthapi.db.SessionRow;
import dev.oauthapi.db.UserRow;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.tokens.AccessTokens;
import dev.oauthapi.tokens.RefreshTokens;
import dev.oauthapi.tokens.SuccessorSeal;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /api/auth/refresh}. The ordinary case, the current token of a usable session, is one
 * statement ({@link #rotateIfCurrent}); every other case is one transaction that locks the
 * session, in named steps: find the token, require a usable session, detect reuse, rotate.
 *
 * <ul>
 *   <li>The current token rotates: a new one is issued and the idle expiry moves forward (never
 *       past the absolute one).</li>
 *   <li>Its predecessor, presented again within the grace period, answers the same current token
 *       (recovered from the seal only the predecessor opens): concurrent or retried refreshes
 *       from one app never sign the user out.</li>
 *   <li>Any other superseded token is reuse, a sign of theft: the session is revoked, its access
 *       tokens stop working at once, and the event is audited.</li>
 * </ul>
 */
public final class RefreshRotation {
    /** A successful refresh: who, which session, and the refresh token the app must keep now. */
    public record Refreshed(UUID userId, UUID sessionId, String role, String clientId, String refreshToken,
                            Instant refreshExpiresAt, AccessTokens.Issued accessToken) {
        @Override
        public String toString() {
            return "Refreshed[session=" + sessionId + "]";
        }
    }

    private sealed interface Outcome permits Rotated, Reused {
    }

    /** @param grace the predecessor came back within the grace period: the current token, again */
    private record Rotated(Refreshed refreshed, boolean grace) implements Outcome {
    }

    private record Reused() implements Outcome {
    }

    private final Jdbi jdbi;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final SuccessorSeal seal;
    private final SessionLifecycle lifecycle;
    private final Clock clock;
    private final Duration idleLifetime;
    private final Duration reuseGrace;
    private final AuthMetrics metrics;

    public RefreshRotation(Jdbi jdbi, AccessTokens accessTokens, RefreshTokens refreshTokens, SuccessorSeal seal,
                           SessionLifecycle lifecycle, Clock clock, Duration idleLifetime, Duration reuseGrace,
                           AuthMetrics metrics) {
        this.jdbi = jdbi;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.seal = seal;
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.idleLifetime = idleLifetime;
        this.reuseGrace = reuseGrace;
        this.metrics = metrics;
    }

    /** A refresh, counted by outcome ({@code oauth_refreshes_total}). */
    public Refreshed refresh(String presented, String ipAddress) {
        try {
            return refreshCounted(presented, ipAddress);
        } catch (ApiException e) {
            metrics.refresh(switch (e.code()) {
                case REFRESH_TOKEN_REUSED -> AuthMetrics.Refresh.REUSED;
                case SESSION_EXPIRED -> AuthMetrics.Refresh.EXPIRED;
                case SESSION_REVOKED -> AuthMetrics.Refresh.REVOKED;
                case ACCOUNT_DISABLED -> AuthMetrics.Refresh.DISABLED;
                default -> AuthMetrics.Refresh.INVALID;
            });
            throw e;
        }
    }

    private Refreshed refreshCounted(String presented, String ipAddress) {
        final Optional<Refreshed> ordinary = rotateIfCurrent(presented);
        if (ordinary.isPresent()) {
            metrics.refresh(AuthMetrics.Refresh.ROTATED);
            return withAccessToken(ordinary.get());
        }
        // A reuse revokes the session: its tombstone is published once this commits.
        final Outcome outcome = lifecycle.inTransaction(tx -> refresh(tx, presented, ipAddress));
        return switch (outcome) {
            // Signed only now that the rotation is committed.
            case Rotated rotated -> {
                metrics.refresh(rotated.grace() ? AuthMetrics.Refresh.GRACE : AuthMetrics.Refresh.ROTATED);
                yield withAccessToken(rotated.refreshed());
            }
            case Reused ignored -> {
                throw new ApiException(ErrorCode.REFRESH_TOKEN_REUSED,
                        "This refresh token was already replaced; the session is revoked. Sign in again.");
            }
        };
    }

    private Refreshed withAccessToken(Refreshed refreshed) {
        return new Refreshed(refreshed.userId(), refreshed.sessionId(), refreshed.role(), refreshed.clientId(),
                refreshed.refreshToken(), refreshed.refreshExpiresAt(),
                accessTokens.issue(refreshed.userId(), refreshed.sessionId(), refreshed.role(), refreshed.clientId()));
    }

    /**
     * The ordinary refresh, one statement: the current token of a usable session rotates. Anything
     * else (a superseded token, an ended session, an unknown token, a concurrent refresh that won)
     * rolls back and takes the named steps below.
     */
    private Optional<Refreshed> rotateIfCurrent(String presented) {
        final byte[] hash = hashOf(presented);
        return jdbi.inTransaction(handle -> {
            final Optional<Refreshed> rotated = rotateIfCurrent(handle, presented, hash, clock.instant());
            if (rotated.isEmpty()) {
                handle.rollback(); // the statement may have superseded the token before finding the session unusable
            }
            return rotated;
        });
    }

    /** The one rotation statement, with a successor sealed under the presented token. */
    private Optional<Refreshed> rotateIfCurrent(Handle handle, String presented, byte[] hash, Instant now) {
        final String next = refreshTokens.generate();
        return new RefreshTokenDao(handle).rotateIfCurrent(hash, seal.seal(presented, next), RefreshTokens.hash(next),
                        now, now.plus(idleLifetime))
                .map(rotated -> new Refreshed(rotated.userId(), rotated.sessionId(), rotated.role(),
                        rotated.clientId(), next, rotated.expiresAt(), null));
    }

    /**
     * Every other case, after the rollback: lock the session by the token, read the token with the
     * session's current generation and user, then rotate (only if a concurrent change let the
     * ordinary case miss), answer within the grace, or revoke.
     */
    private Outcome refresh(SessionLifecycle.Transaction tx, String presented, String ipAddress) {
        final Handle handle = tx.handle();
        final Instant now = clock.instant();
        final byte[] hash = hashOf(presented);
        // The lock comes first: a concurrent refresh may supersede the token while we wait for it,
        // so the token is read only once the lock is held.
        final SessionRow session = new SessionDao(handle).lockByRefreshToken(hash).orElseThrow(RefreshRotation::unknown);
        final RefreshCandidate candidate = new RefreshTokenDao(handle).findForRefresh(hash)
                .orElseThrow(RefreshRotation::unknown);
        final RefreshTokenRow token = candidate.token();
        final UserRow user = requireUsable(session, candidate.user(), now);

        final int current = candidate.currentGeneration();
        if (token.generation() == current) {
            // Under the session lock the current token of a usable session rotates.
            return new Rotated(rotateIfCurrent(handle, presented, hash, now).orElseThrow(RefreshRotation::unknown), false);
        }
        final Optional<String> successor = withinGrace(presented, token, current, now);
        if (successor.isPresent()) {
            return new Rotated(new Refreshed(user.id(), session.id(), user.role(), session.clientId(), successor.get(),
                    session.expiresAt(), null), true);
        }
        return detectedReuse(tx, session, token, current, ipAddress);
    }

    private static byte[] hashOf(String presented) {
        if (presented == null || presented.length() > 256) {
            throw unknown();
        }
        return RefreshTokens.hash(presented);
    }

    private static UserRow requireUsable(SessionRow session, UserRow user, Instant now) {
        if (session.revokedAt() != null) {
            throw new ApiException(ErrorCode.SESSION_REVOKED, "This session was ended. Sign in again.");
        }
        if (!now.isBefore(session.expiresAt()) || !now.isBefore(session.absoluteExpiresAt())) {
            throw new ApiException(ErrorCode.SESSION_EXPIRED, "This session has expired. Sign in again.");
        }
        if (user.isDisabled()) {
            throw new ApiException(ErrorCode.ACCOUNT_DISABLED, "This account is disabled.");
        }
        return user;
    }

    /** The current token again, if this is its predecessor, presented within the grace period. */
    private Optional<String> withinGrace(String presented, RefreshTokenRow token, int current, Instant now) {
        if (token.generation() != current - 1 || token.supersededAt() == null
                || !now.isBefore(token.supersededAt().plus(reuseGrace))) {
            return Optional.empty();
        }
        return seal.open(presented, token.successorSealed());
    }

    private static Reused detectedReuse(SessionLifecycle.Transaction tx, SessionRow session, RefreshTokenRow token,
                                        int current, String ipAddress) {
        tx.end(session.userId(), session.id(), "refresh_token_reused");
        tx.audit(Audit.Event.REFRESH_TOKEN_REUSED, session.userId(), null, session.id(), ipAddress,
                Map.of("presentedGeneration", token.generation(), "currentGeneration", current));
        return new Reused();
    }

    private static ApiException unknown() {
        return new ApiException(ErrorCode.INVALID_REFRESH_TOKEN, "This refresh token is not valid. Sign in again.");
    }
}
