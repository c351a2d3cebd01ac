package dev.oauthapi.sessions;

import dev.oauthapi.db.RefreshCandidate;
import dev.oauthapi.db.RefreshTokenDao;
import dev.oauthapi.db.RefreshTokenRow;
import dev.oauthapi.db.Rotation;
import dev.oauthapi.db.SessionDao;
import dev.oauthapi.db.SessionRow;
import dev.oauthapi.tokens.RefreshTokens;
import dev.oauthapi.tokens.SuccessorSeal;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Refresh tokens of older releases, found by their hash in {@code refresh_tokens}, by the same
 * rules as {@link RefreshRotation}: rotate the current one, answer its predecessor within the grace,
 * revoke on any other. The current one is replaced by a token that names its session, and the
 * session row takes over (generation {@link #FIRST_GENERATION}); while
 * {@code REFRESH_TOKEN_FORMAT=v1} it is replaced by another token of the old kind instead, so that
 * an older release serving beside this one can refresh it. Goes with {@code refresh_tokens}, one
 * release after the last such token expired.
 */
final class LegacyRefresh {
    /** The generation a session's first token that names it has. */
    static final int FIRST_GENERATION = 1;

    private final Jdbi jdbi;
    private final RefreshTokens refreshTokens;
    private final SuccessorSeal seal;
    private final SessionLifecycle lifecycle;
    private final Clock clock;
    private final Duration idleLifetime;
    private final Duration reuseGrace;

    LegacyRefresh(Jdbi jdbi, RefreshTokens refreshTokens, SuccessorSeal seal, SessionLifecycle lifecycle, Clock clock,
                  Duration idleLifetime, Duration reuseGrace) {
        this.jdbi = jdbi;
        this.refreshTokens = refreshTokens;
        this.seal = seal;
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.idleLifetime = idleLifetime;
        this.reuseGrace = reuseGrace;
    }

    /**
     * @param admitted refuses a session (by its client and DPoP key) that the app-check gate does
     *                 not admit, or that this request cannot prove the key of
     */
    RefreshRotation.Outcome refresh(String presented, String ipAddress, boolean keepOldKind,
                                    BiConsumer<String, String> admitted) {
        final byte[] hash = hashOf(presented);
        final Optional<RefreshRotation.Refreshed> ordinary = jdbi.inTransaction(handle -> {
            final Optional<RefreshRotation.Refreshed> rotated = rotateIfCurrent(handle, presented, hash, keepOldKind);
            if (rotated.isEmpty()) {
                handle.rollback(); // the statement may have superseded the token before finding the session unusable
            }
            // A refusal rolls it back.
            rotated.ifPresent(refreshed -> admitted.accept(refreshed.clientId(), refreshed.dpopJkt()));
            return rotated;
        });
        if (ordinary.isPresent()) {
            return new RefreshRotation.Rotated(ordinary.get(), false);
        }
        return lifecycle.inTransaction(tx -> decide(tx, presented, hash, keepOldKind, ipAddress, admitted));
    }

    /** The one rotation statement: to a token of the old kind, or to one that names its session. */
    private Optional<RefreshRotation.Refreshed> rotateIfCurrent(Handle handle, String presented, byte[] hash,
                                                               boolean keepOldKind) {
        final Instant now = clock.instant();
        final RefreshTokenDao tokens = new RefreshTokenDao(handle);
        final String next;
        final Optional<Rotation> rotated;
        if (keepOldKind) {
            next = refreshTokens.legacy();
            rotated = tokens.rotateIfCurrent(hash, seal.seal(presented, next), RefreshTokens.hash(next), now,
                    now.plus(idleLifetime));
        } else {
            // The session id is known only once the statement found the token: the new token is
            // issued for it afterwards, and its hash written in a second step of the same transaction.
            final Optional<SessionRow> session = new SessionDao(handle).lockByRefreshToken(hash);
            if (session.isEmpty()) {
                return Optional.empty();
            }
            final RefreshTokens.Issued issued = refreshTokens.issue(session.get().id(), FIRST_GENERATION);
            next = issued.token();
            rotated = tokens.moveToSessionIfCurrent(hash, seal.seal(presented, next), FIRST_GENERATION, issued.hash(),
                    now, now.plus(idleLifetime));
        }
        return rotated.map(rotation -> new RefreshRotation.Refreshed(rotation.userId(), rotation.sessionId(),
                rotation.role(), rotation.clientId(), next, rotation.expiresAt(), null, rotation.dpopJkt(),
                rotation.anonymous()));
    }

    /**
     * Every other case, after the rollback: lock the session by the token, read the token with the
     * session's current generation and user, then rotate (only if a concurrent change let the
     * ordinary case miss), answer within the grace, or revoke.
     */
    private RefreshRotation.Outcome decide(SessionLifecycle.Transaction tx, String presented, byte[] hash,
                                           boolean keepOldKind, String ipAddress, BiConsumer<String, String> admitted) {
        final Handle handle = tx.handle();
        final Instant now = clock.instant();
        // The lock comes first: a concurrent refresh may supersede the token while we wait for it,
        // so the token is read only once the lock is held.
        final SessionRow session = new SessionDao(handle).lockByRefreshToken(hash).orElseThrow(RefreshRotation::unknown);
        final RefreshCandidate candidate = new RefreshTokenDao(handle).findForRefresh(hash)
                .orElseThrow(RefreshRotation::unknown);
        final RefreshTokenRow token = candidate.token();
        RefreshRotation.requireUsable(session, candidate.user().isDisabled(), now);

        final int current = candidate.currentGeneration();
        if (token.supersededAt() == null && token.generation() == current) {
            admitted.accept(session.clientId(), session.dpopJkt());
            // Under the session lock the current token of a usable session rotates.
            return new RefreshRotation.Rotated(rotateIfCurrent(handle, presented, hash, keepOldKind)
                    .orElseThrow(RefreshRotation::unknown), false);
        }
        // The token the current one replaced: the last of the old kind once the session row took over.
        final boolean latest = candidate.movedToSession() ? token.generation() == current
                : token.generation() == current - 1;
        if (latest && token.supersededAt() != null && now.isBefore(token.supersededAt().plus(reuseGrace))) {
            final Optional<String> successor = seal.open(presented, token.successorSealed());
            if (successor.isPresent()) {
                admitted.accept(session.clientId(), session.dpopJkt());
                return new RefreshRotation.Rotated(new RefreshRotation.Refreshed(session.userId(), session.id(),
                        candidate.user().role(), session.clientId(), successor.get(), session.expiresAt(), null,
                        session.dpopJkt(), candidate.user().anonymous()), true);
            }
        }
        return RefreshRotation.detectedReuse(tx, session, token.generation(), current, ipAddress);
    }

    private static byte[] hashOf(String presented) {
        if (presented == null || presented.length() > 256) {
            throw RefreshRotation.unknown();
        }
        return RefreshTokens.hash(presented);
    }
}
