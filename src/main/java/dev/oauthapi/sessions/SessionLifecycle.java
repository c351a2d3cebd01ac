package dev.oauthapi.sessions;

import dev.oauthapi.db.IdentityRow;
import dev.oauthapi.db.IdentityWithUser;
import dev.oauthapi.db.RowIds;
import dev.oauthapi.db.SessionDao;
import dev.oauthapi.db.SessionRow;
import dev.oauthapi.db.SignInDao;
import dev.oauthapi.db.UserRow;
import dev.oauthapi.db.UserWithIdentities;
import dev.oauthapi.errors.RequestIds;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.SessionRef;
import dev.oauthapi.tokens.RefreshTokens;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one owner of session rows and their revocation, and the unit of work of account changes.
 * Work that starts or ends sessions, or changes what a profile shows, runs in {@link #inTransaction};
 * what it ends or changes is collected, and published once, after the transaction committed,
 * before the caller answers: tombstones (the next request with an access token of an ended session
 * is refused on every instance), the sessions whose role changed, and the users whose profile
 * changed (every instance's cached copy stops matching). A transaction that rolls back publishes
 * nothing. Code outside this package never writes a session row or a tombstone
 * ({@code LayeringTest} keeps it so).
 */
public final class SessionLifecycle {
    private final Jdbi jdbi;
    private final SessionGate gate;
    private final RefreshTokens refreshTokens;
    private final RowIds ids;
    private final Clock clock;
    private final Duration idleLifetime;
    private final Duration maxLifetime;
    private final AuthMetrics metrics;
    private final Consumer<UUID> profileChanged;
    private final boolean legacyTokens;

    /**
     * @param idleLifetime {@code REFRESH_TOKEN_TTL}, renewed by each refresh
     * @param maxLifetime  {@code SESSION_MAX_LIFETIME}, from sign-in
     * @param profileChanged told, after commit, of each user whose profile a transaction changed
     * @param legacyTokens   {@code REFRESH_TOKEN_FORMAT=v1}: refresh tokens of the kind older releases
     *                       read, for a rolling upgrade from one ({@link RefreshTokens})
     */
    public SessionLifecycle(Jdbi jdbi, SessionGate gate, RefreshTokens refreshTokens, RowIds ids, Clock clock,
                            Duration idleLifetime, Duration maxLifetime, AuthMetrics metrics,
                            Consumer<UUID> profileChanged, boolean legacyTokens) {
        this.jdbi = jdbi;
        this.gate = gate;
        this.refreshTokens = refreshTokens;
        this.ids = ids;
        this.clock = clock;
        this.idleLifetime = idleLifetime;
        this.maxLifetime = maxLifetime;
        this.metrics = metrics;
        this.profileChanged = profileChanged;
        this.legacyTokens = legacyTokens;
    }

    /**
     * What a new session is started for: the user, how they signed in, from what, and the DPoP key
     * it is bound to (null when unbound).
     */
    public record NewSession(UUID userId, String provider, String clientId, String platform, String deviceName,
                             String appVersion, String ipAddress, String userAgent, String dpopJkt) {
    }

    /** A sign-in with a passkey: its user as it was, and the session, null when none started. */
    public record PasskeyStart(UserWithIdentities user, Started started) {
    }

    /**
     * A sign-in through a known identity: what it found (the identity as it was, its user and
     * profile), and the session it started (null when the user or the identity may not sign in).
     */
    public record KnownIdentity(IdentityWithUser found, Started started) {
    }

    /** A started session and its first refresh token (a secret: shown once, to the app). */
    public record Started(SessionRow session, String refreshToken) {
        @Override
        public String toString() {
            return "Started[session=" + session.id() + ", refreshToken=[REDACTED]]";
        }
    }

    /** Whether refresh tokens are of the kind older releases read ({@code REFRESH_TOKEN_FORMAT=v1}). */
    boolean issuesLegacyTokens() {
        return legacyTokens;
    }

    /** Runs {@code work} in one transaction, then publishes the tombstones of what it ended. */
    public <T> T inTransaction(Function<Transaction, T> work) {
        final List<SessionRef> ended = new ArrayList<>();
        final List<SessionRef> roleChanged = new ArrayList<>();
        final Map<String, Integer> causes = new java.util.HashMap<>();
        final Set<UUID> profiles = new LinkedHashSet<>();
        final T result = jdbi.inTransaction(handle -> {
            ended.clear(); // a transaction run again starts over
            roleChanged.clear();
            causes.clear();
            profiles.clear();
            return work.apply(new Transaction(handle, ended, roleChanged, causes, profiles));
        });
        gate.revoked(List.copyOf(ended));
        causes.forEach(metrics::sessionsEnded);
        gate.rolesChanged(List.copyOf(roleChanged));
        profiles.forEach(profileChanged);
        return result;
    }

    /** The session side of one transaction; the caller's own statements go through {@link #handle()}. */
    public final class Transaction {
        private final Handle handle;
        private final List<SessionRef> ended;
        private final List<SessionRef> roleChanged;
        private final Map<String, Integer> causes;
        private final Set<UUID> profiles;

        private Transaction(Handle handle, List<SessionRef> ended, List<SessionRef> roleChanged,
                            Map<String, Integer> causes, Set<UUID> profiles) {
            this.handle = handle;
            this.ended = ended;
            this.roleChanged = roleChanged;
            this.causes = causes;
            this.profiles = profiles;
        }

        /** What the user's profile shows changes in this transaction: published after commit. */
        public void profileChanged(UUID userId) {
            profiles.add(userId);
        }

        public Handle handle() {
            return handle;
        }

        /** The sessions this transaction has ended so far. */
        public List<UUID> ended() {
            return ended.stream().map(SessionRef::sessionId).toList();
        }

        /**
         * Starts a session with its first refresh token. Its idle expiry is {@code REFRESH_TOKEN_TTL}
         * from now, never past its absolute one, {@code SESSION_MAX_LIFETIME} from now.
         */
        public Started start(NewSession started) {
            return start(started, null);
        }

        /** As {@link #start(NewSession)}, for a sign-in with a passkey: the session ends with it. */
        public Started start(NewSession started, UUID passkeyId) {
            final SessionRow session = newSession(started);
            final FirstToken first = firstToken(session);
            if (first.legacyHash() != null) {
                new SessionDao(handle).insertLegacy(session, first.legacyHash(), passkeyId);
            } else {
                new SessionDao(handle).insert(session, first.hash(), passkeyId);
            }
            return new Started(session, first.token());
        }

        /**
         * Signs in through a known identity in one statement ({@link SignInDao}): records what the
         * provider says of it, starts the session and audits {@code sign_in} with {@code details},
         * unless the user is disabled or the provider disabled sign-in through the identity. Empty
         * when the identity is unknown; {@code started} null when the sign-in was not allowed.
         */
        public Optional<KnownIdentity> signInKnownIdentity(String subject, String email, boolean emailVerified,
                                                           boolean isPrivateEmail, NewSession started,
                                                           Map<String, ?> details) {
            final SessionRow session = newSession(started);
            final FirstToken first = firstToken(session);
            return new SignInDao(handle).signIn(subject, email, emailVerified, isPrivateEmail, session, first.hash(),
                            first.legacyHash(), Audit.Event.SIGN_IN.stored(), RequestIds.current(), Audit.json(details))
                    .map(known -> new KnownIdentity(known.found(), known.started()
                            ? new Started(ofUser(session, known.found().identity().userId()), first.token()) : null));
        }

        /**
         * The first sign-in of a new user in one statement ({@link SignInDao#signUp}): the user, its
         * identity, the session and the audit row {@code sign_in} with {@code details}.
         */
        public Started signUp(UserRow user, IdentityRow identity, NewSession started, Map<String, ?> details) {
            final SessionRow session = newSession(started);
            final FirstToken first = firstToken(session);
            new SignInDao(handle).signUp(user, identity, session, first.hash(), first.legacyHash(),
                    Audit.Event.SIGN_IN.stored(), RequestIds.current(), Audit.json(details));
            return new Started(session, first.token());
        }

        /**
         * A sign-in with a passkey in one statement ({@link SignInDao#signInWithPasskey}): the
         * passkey's counter moves from {@code checkedCount} to {@code signCount} (only if no other
         * sign-in moved it), the session starts, named by the passkey, and {@code sign_in} is
         * audited with {@code details}; unless the user is disabled. Empty when the user is gone.
         */
        public Optional<PasskeyStart> signInWithPasskey(NewSession started, UUID passkeyId, long checkedCount,
                                                        long signCount, boolean backedUp, Map<String, ?> details) {
            final SessionRow session = newSession(started);
            final FirstToken first = firstToken(session);
            return new SignInDao(handle).signInWithPasskey(passkeyId, checkedCount, signCount, backedUp, session,
                            first.hash(), first.legacyHash(), Audit.Event.SIGN_IN.stored(), RequestIds.current(),
                            Audit.json(details))
                    .map(found -> new PasskeyStart(found.user(),
                            found.started() ? new Started(session, first.token()) : null));
        }

        /**
         * A new session's first refresh token: its hash goes on the session row, or, while older
         * releases' kind is issued ({@code REFRESH_TOKEN_FORMAT=v1}), to a row of its own.
         */
        private FirstToken firstToken(SessionRow session) {
            if (legacyTokens) {
                final String token = refreshTokens.legacy();
                return new FirstToken(token, null, RefreshTokens.hash(token));
            }
            final RefreshTokens.Issued issued = refreshTokens.issue(session.id(), 0);
            return new FirstToken(issued.token(), issued.hash(), null);
        }

        private record FirstToken(String token, byte[] hash, byte[] legacyHash) {
            @Override
            public String toString() {
                return "FirstToken[REDACTED]";
            }
        }

        private static SessionRow ofUser(SessionRow session, UUID userId) {
            return new SessionRow(session.id(), userId, session.provider(), session.clientId(), session.platform(),
                    session.deviceName(), session.appVersion(), session.ipAddress(), session.userAgent(),
                    session.createdAt(), session.lastUsedAt(), session.expiresAt(), session.absoluteExpiresAt(), null, null,
                    session.dpopJkt());
        }

        /**
         * A new session's row: its idle expiry is {@code REFRESH_TOKEN_TTL} from now, never past its
         * absolute one, {@code SESSION_MAX_LIFETIME} from now.
         */
        private SessionRow newSession(NewSession started) {
            final Instant now = clock.instant();
            final Instant absoluteExpiry = now.plus(maxLifetime);
            final Instant idleExpiry = now.plus(idleLifetime);
            return new SessionRow(ids.next(), started.userId(), started.provider(),
                    started.clientId(), started.platform(), started.deviceName(), started.appVersion(),
                    started.ipAddress(), started.userAgent(), now, now,
                    idleExpiry.isBefore(absoluteExpiry) ? idleExpiry : absoluteExpiry, absoluteExpiry, null, null,
                    started.dpopJkt());
        }

        /** Ends one session of the user, if it is not ended yet; returns whether it did. */
        public boolean end(UUID userId, UUID sessionId, String reason) {
            return collect(reason, userId, new SessionDao(handle).revoke(userId, sessionId, reason, clock.instant())) > 0;
        }

        /** Ends every live session of the user but {@code keep} (null: all of them); returns how many. */
        public int endAllBut(UUID userId, UUID keep, String reason) {
            return collect(reason, userId, new SessionDao(handle).revokeAllBut(userId, keep, reason, clock.instant()));
        }

        /** Ends the live sessions the user started through one provider; returns how many. */
        public int endOfProvider(UUID userId, String provider, String reason) {
            return collect(reason, userId, new SessionDao(handle).revokeOfProvider(userId, provider, reason, clock.instant()));
        }

        /** Ends the live sessions the user signed in to with one passkey; returns how many. */
        public int endOfPasskey(UUID userId, UUID passkeyId, String reason) {
            return collect(reason, userId, new SessionDao(handle).revokeOfPasskey(userId, passkeyId, reason,
                    clock.instant()));
        }

        /**
         * The user is being deleted in this transaction, and their session rows with them (the
         * foreign key cascades): their tombstones are still due. Returns how many.
         */
        public int endForDeletion(UUID userId) {
            return collect("account_deleted", userId, new SessionDao(handle).idsOfUser(userId));
        }

        /**
         * The user's role changes in this transaction: after commit, every instance reads it again
         * on the next request of each of the user's sessions (their access tokens keep the old
         * claim, which is not trusted alone).
         */
        public void roleChanged(UUID userId) {
            new SessionDao(handle).findLive(userId, clock.instant()).forEach(session -> roleChanged.add(new SessionRef(userId, session.id())));
        }

        /** See {@link Audit#record}. */
        public void audit(Audit.Event event, UUID userId, UUID actorId, UUID sessionId, String ipAddress,
                          Map<String, ?> details) {
            Audit.record(handle, clock.instant(), event, userId, actorId, sessionId, ipAddress, details);
        }

        private int collect(String cause, UUID userId, List<UUID> sessions) {
            sessions.forEach(sessionId -> ended.add(new SessionRef(userId, sessionId)));
            causes.merge(cause, sessions.size(), Integer::sum);
            return sessions.size();
        }
    }
}
