package dev.oauthapi.sessions;

import dev.oauthapi.appcheck.AppCheckGate;
import dev.oauthapi.dpop.DpopBinding;
import dev.oauthapi.db.RefreshState;
import dev.oauthapi.db.SessionDao;
import dev.oauthapi.db.SessionRow;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.tokens.AccessTokens;
import dev.oauthapi.tokens.RefreshTokens;
import dev.oauthapi.tokens.SuccessorSeal;
import org.jdbi.v3.core.Jdbi;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /api/auth/refresh}. A refresh token names its session and generation, and its MAC
 * proves it ours ({@link RefreshTokens}): anything else is {@code invalid_refresh_token} before any
 * statement. The ordinary case, the current token of a usable session, is one UPDATE of the
 * session row ({@link SessionDao#rotate}); every other case is one transaction that locks the
 * session, in named steps: require a usable session, rotate (a concurrent change let the ordinary
 * case miss), answer within the grace, or detect reuse.
 *
 * <ul>
 *   <li>The current token rotates: a new one is issued and the idle expiry moves forward (never
 *       past the absolute one).</li>
 *   <li>Its predecessor, presented again within the grace period, answers the same current token
 *       (recovered from the seal only the predecessor opens): concurrent or retried refreshes
 *       from one app never sign the user out.</li>
 *   <li>Any other token of an earlier generation is reuse, a sign of theft: the session is revoked,
 *       its access tokens stop working at once, and the event is audited.</li>
 * </ul>
 * Tokens of older releases take the same steps on their own table ({@link LegacyRefresh}).
 */
public final class RefreshRotation {
    /** A successful refresh: who, which session, and the refresh token the app must keep now. */
    public record Refreshed(UUID userId, UUID sessionId, String role, String clientId, String refreshToken,
                            Instant refreshExpiresAt, AccessTokens.Issued accessToken, String dpopJkt,
                            boolean anonymous) {
        @Override
        public String toString() {
            return "Refreshed[session=" + sessionId + "]";
        }
    }

    /** What the named steps decided. */
    sealed interface Outcome permits Rotated, Reused {
    }

    /** @param grace the predecessor came back within the grace period: the current token, again */
    record Rotated(Refreshed refreshed, boolean grace) implements Outcome {
    }

    record Reused() implements Outcome {
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
    private final LegacyRefresh legacy;
    private final AppCheckGate appCheck;
    private final DpopBinding dpop;

    public RefreshRotation(Jdbi jdbi, AccessTokens accessTokens, RefreshTokens refreshTokens, SuccessorSeal seal,
                           SessionLifecycle lifecycle, Clock clock, Duration idleLifetime, Duration reuseGrace,
                           AuthMetrics metrics, AppCheckGate appCheck, DpopBinding dpop) {
        this.appCheck = appCheck;
        this.dpop = dpop;
        this.jdbi = jdbi;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.seal = seal;
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.idleLifetime = idleLifetime;
        this.reuseGrace = reuseGrace;
        this.metrics = metrics;
        this.legacy = new LegacyRefresh(jdbi, refreshTokens, seal, lifecycle, clock, idleLifetime, reuseGrace);
    }

    /**
     * A refresh, counted by outcome ({@code oauth_refreshes_total}), through the app-check gate:
     * {@code appCheck} is the request's app token (null without one), and the session's stored
     * client decides whether it needs one.
     */
    public Refreshed refresh(String presented, String ipAddress, String appCheck, DpopBinding.Presented proof) {
        return refresh(presented, ipAddress, appCheck, proof, null);
    }

    /**
     * As {@link #refresh(String, String, String, DpopBinding.Presented)}, by the OAuth client
     * {@code client}: a session of another client is refused ({@code invalid_grant}) and unchanged.
     */
    public Refreshed refresh(String presented, String ipAddress, String appCheck, DpopBinding.Presented proof,
                             String client) {
        final AppCheckGate.Presented app = this.appCheck.read(appCheck);
        try {
            final Refreshed refreshed = refreshCounted(presented, ipAddress, new Gate(app,
                    this.appCheck.renewal(app), dpop.bind(proof, false), client));
            this.appCheck.renewed(app, refreshed.clientId());
            return refreshed;
        } catch (ApiException e) {
            metrics.refresh(switch (e.code()) {
                case REFRESH_TOKEN_REUSED -> AuthMetrics.Refresh.REUSED;
                case SESSION_EXPIRED -> AuthMetrics.Refresh.EXPIRED;
                case SESSION_REVOKED -> AuthMetrics.Refresh.REVOKED;
                case ACCOUNT_DISABLED -> AuthMetrics.Refresh.DISABLED;
                case APP_CHECK_REQUIRED -> AuthMetrics.Refresh.APP_CHECK_REQUIRED;
                default -> AuthMetrics.Refresh.INVALID;
            });
            throw e;
        }
    }

    /** What the app-check gate found on this refresh, and which sessions it may renew. */
    record Gate(AppCheckGate.Presented app, AppCheckGate.Renewal renewal, String dpopJkt, String client) {
    }

    private Refreshed refreshCounted(String presented, String ipAddress, Gate gate) {
        if (!RefreshTokens.namesItsSession(presented)) {
            return answer(legacy.refresh(presented, ipAddress, lifecycle.issuesLegacyTokens(), (client, key) -> {
                admitted(gate, client);
                sameKey(gate, key);
            }));
        }
        final RefreshTokens.Presented token = refreshTokens.read(presented).orElseThrow(RefreshRotation::unknown);
        final RefreshTokens.Issued next = refreshTokens.issue(token.sessionId(), token.generation() + 1);
        final Optional<Refreshed> ordinary = jdbi.withHandle(handle -> rotate(new SessionDao(handle), token, presented,
                next, clock.instant(), gate));
        if (ordinary.isPresent()) {
            return answer(new Rotated(ordinary.get(), false));
        }
        // A reuse revokes the session: its tombstone is published once this commits.
        return answer(lifecycle.inTransaction(tx -> decide(tx, token, presented, next, ipAddress, gate)));
    }

    /** Refuses, before anything changes, a renewal by another client, or one the gate does not admit. */
    private void admitted(Gate gate, String clientId) {
        if (gate.client() != null && !gate.client().equals(clientId)) {
            throw new ApiException(ErrorCode.INVALID_GRANT, "This refresh token was issued to another client.");
        }
        appCheck.requireAdmitted(gate.app(), gate.renewal(), clientId);
    }

    /** Refuses, before anything changes, a renewal of a DPoP-bound session without a proof by its key. */
    private static void sameKey(Gate gate, String sessionKey) {
        if (sessionKey != null && !sessionKey.equals(gate.dpopJkt())) {
            throw new ApiException(ErrorCode.DPOP_PROOF_REFUSED, gate.dpopJkt() == null
                    ? "This session is DPoP-bound: refresh it with a DPoP proof by its key."
                    : "key: the DPoP proof is signed by another key than the session's.");
        }
    }

    /** Counts the outcome; a rotation is signed only now that it is committed. */
    private Refreshed answer(Outcome outcome) {
        return switch (outcome) {
            case Rotated rotated -> {
                metrics.refresh(rotated.grace() ? AuthMetrics.Refresh.GRACE : AuthMetrics.Refresh.ROTATED);
                final Refreshed refreshed = rotated.refreshed();
                yield new Refreshed(refreshed.userId(), refreshed.sessionId(), refreshed.role(), refreshed.clientId(),
                        refreshed.refreshToken(), refreshed.refreshExpiresAt(), accessTokens.issue(refreshed.userId(),
                        refreshed.sessionId(), refreshed.role(), refreshed.clientId(), refreshed.dpopJkt(),
                        refreshed.anonymous()), refreshed.dpopJkt(), refreshed.anonymous());
            }
            case Reused ignored -> throw new ApiException(ErrorCode.REFRESH_TOKEN_REUSED,
                    "This refresh token was already replaced; the session is revoked. Sign in again.");
        };
    }

    /** The one rotation statement, with the successor sealed under the presented token. */
    private Optional<Refreshed> rotate(SessionDao sessions, RefreshTokens.Presented token, String presented,
                                       RefreshTokens.Issued next, Instant now, Gate gate) {
        return sessions.rotate(token.sessionId(), token.generation(), token.hash(), next.hash(),
                        seal.seal(presented, next.token()), now, now.plus(idleLifetime), gate.renewal().clients(),
                        gate.renewal().listed(), gate.dpopJkt(), gate.client())
                .map(rotated -> new Refreshed(rotated.userId(), rotated.sessionId(), rotated.role(),
                        rotated.clientId(), next.token(), rotated.expiresAt(), null, rotated.dpopJkt(),
                        rotated.anonymous()));
    }

    /**
     * Every other case: lock the session, then rotate (only if a concurrent change let the
     * ordinary case miss), answer within the grace, or revoke. The token's MAC proved it ours for
     * its generation, so an earlier generation is a token we issued and someone presents again.
     */
    private Outcome decide(SessionLifecycle.Transaction tx, RefreshTokens.Presented token, String presented,
                           RefreshTokens.Issued next, String ipAddress, Gate gate) {
        final Instant now = clock.instant();
        final SessionDao sessions = new SessionDao(tx.handle());
        final RefreshState state = sessions.lockForRefresh(token.sessionId()).orElseThrow(RefreshRotation::unknown);
        requireUsable(state.session(), state.userDisabled(), now);
        if (state.refreshHash() == null || token.generation() > state.generation()) {
            throw unknown(); // never issued: not a generation this session has reached
        }
        if (token.generation() == state.generation()) {
            if (!MessageDigest.isEqual(token.hash(), state.refreshHash())) {
                throw unknown();
            }
            admitted(gate, state.session().clientId());
            sameKey(gate, state.session().dpopJkt());
            return new Rotated(rotate(sessions, token, presented, next, now, gate)
                    .orElseThrow(RefreshRotation::unknown), false);
        }
        if (token.generation() == state.generation() - 1 && state.previousHash() != null
                && MessageDigest.isEqual(token.hash(), state.previousHash())
                && now.isBefore(state.refreshedAt().plus(reuseGrace))) {
            final Optional<String> current = seal.open(presented, state.successorSealed());
            if (current.isPresent()) {
                admitted(gate, state.session().clientId());
                sameKey(gate, state.session().dpopJkt());
                return new Rotated(new Refreshed(state.session().userId(), state.session().id(), state.role(),
                        state.session().clientId(), current.get(), state.session().expiresAt(), null,
                        state.session().dpopJkt(), state.anonymous()), true);
            }
        }
        return detectedReuse(tx, state.session(), token.generation(), state.generation(), ipAddress);
    }

    static void requireUsable(SessionRow session, boolean userDisabled, Instant now) {
        if (session.revokedAt() != null) {
            throw new ApiException(ErrorCode.SESSION_REVOKED, "This session was ended. Sign in again.");
        }
        if (!now.isBefore(session.expiresAt()) || !now.isBefore(session.absoluteExpiresAt())) {
            throw new ApiException(ErrorCode.SESSION_EXPIRED, "This session has expired. Sign in again.");
        }
        if (userDisabled) {
            throw new ApiException(ErrorCode.ACCOUNT_DISABLED, "This account is disabled.");
        }
    }

    static Reused detectedReuse(SessionLifecycle.Transaction tx, SessionRow session, int presentedGeneration,
                                int currentGeneration, String ipAddress) {
        tx.end(session.userId(), session.id(), "refresh_token_reused");
        tx.audit(Audit.Event.REFRESH_TOKEN_REUSED, session.userId(), null, session.id(), ipAddress,
                Map.of("presentedGeneration", presentedGeneration, "currentGeneration", currentGeneration));
        return new Reused();
    }

    static ApiException unknown() {
        return new ApiException(ErrorCode.INVALID_REFRESH_TOKEN, "This refresh token is not valid. Sign in again.");
    }
}
