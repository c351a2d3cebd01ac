package dev.oauthapi.users;

import dev.oauthapi.db.IdentityDao;
import dev.oauthapi.db.IdentityRow;
import dev.oauthapi.db.RowIds;
import dev.oauthapi.db.UniqueViolation;
import dev.oauthapi.db.UserDao;
import dev.oauthapi.db.UserRow;
import dev.oauthapi.db.UserWithIdentities;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.identity.PrivateRelay;
import dev.oauthapi.identity.VerifiedIdToken;
import dev.oauthapi.sessions.Audit;
import dev.oauthapi.sessions.SessionLifecycle;
import dev.oauthapi.tokens.Roles;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Which account a verified provider token signs in to, in three named steps: the identity's own
 * user; else the one user an e-mail links it to; else a new user. An identity is (provider,
 * subject), never an e-mail address; an e-mail links a new identity to an existing user only when
 * both addresses are verified by their authority, equal ignoring case, and neither is an Apple
 * private relay. The account, the session and the audit row commit in one transaction; for a known
 * identity, the hot path, they are one statement.
 */
public final class AccountResolution {
    private final SessionLifecycle lifecycle;
    private final RowIds ids;
    private final PrivateRelay privateRelay;
    private final Clock clock;

    public AccountResolution(SessionLifecycle lifecycle, RowIds ids, PrivateRelay privateRelay, Clock clock) {
        this.lifecycle = lifecycle;
        this.ids = ids;
        this.privateRelay = privateRelay;
        this.clock = clock;
    }

    /**
     * Signs in: resolves the account and starts a session. Two concurrent first sign-ins of one
     * identity race on the (provider, subject) key; the loser's transaction rolls back and runs
     * again, finding the winner's user.
     */
    public SignedIn signIn(VerifiedIdToken token, String fullName, SignInContext context) {
        try {
            return lifecycle.inTransaction(tx -> signIn(tx, token, fullName, context));
        } catch (UnableToExecuteStatementException e) {
            if (!UniqueViolation.is(e)) {
                throw e;
            }
            return lifecycle.inTransaction(tx -> signIn(tx, token, fullName, context));
        }
    }

    /**
     * An existing identity costs one statement: the identity with its user and profile, the
     * sign-in record, the session with its first refresh token, and the audit row, together
     * ({@link SessionLifecycle.Transaction#signInKnownIdentity}). The profile is read again only
     * when the sign-in changed it. A new user costs one more for the user, its identity, the
     * session and the audit row ({@link SessionLifecycle.Transaction#signUp}), after the look for
     * a user its e-mail links it to.
     */
    private SignedIn signIn(SessionLifecycle.Transaction tx, VerifiedIdToken token, String fullName,
                            SignInContext context) {
        final Instant now = clock.instant();
        final ClaimedProfile claimed = ClaimedProfile.of(token, fullName);
        Optional<SessionLifecycle.KnownIdentity> known = knownIdentity(tx, token, context);
        if (known.isEmpty() && token.transferSub() != null && transferred(tx, token, context, now)) {
            known = knownIdentity(tx, token, context);
        }
        if (known.isPresent()) {
            return existingIdentity(tx, known.get(), token, claimed, now);
        }
        return userWithSameVerifiedEmail(tx, token, privateRelay)
                .map(user -> linkByEmail(tx, user, token, claimed, context, now))
                .orElseGet(() -> newUser(tx, token, claimed, context, now));
    }

    /**
     * Step one: the identity is known, and the session started with it unless the user or the
     * identity may not sign in. What the provider says now was recorded; it fills an empty profile.
     */
    private static SignedIn existingIdentity(SessionLifecycle.Transaction tx, SessionLifecycle.KnownIdentity known,
                                             VerifiedIdToken token, ClaimedProfile claimed, Instant now) {
        final UserRow user = known.found().user().user();
        if (known.started() == null) {
            requireEnabled(user);
            // The provider told us this account is disabled there (Google RISC).
            throw new ApiException(ErrorCode.ACCOUNT_DISABLED,
                    "Sign-in with this " + token.provider().wireName() + " account is disabled.");
        }
        final IdentityRow before = known.found().identity();
        boolean changed = token.email() != null && (!token.email().equals(before.email())
                || token.emailVerified() != before.emailVerified() || token.isPrivateEmail() != before.isPrivateEmail());
        if (claimed.wouldFill(user)) {
            claimed.fill(new UserDao(tx.handle()), user.id(), now);
            changed = true;
        }
        if (changed) {
            tx.profileChanged(user.id());
        }
        // Unchanged, the profile read with the identity is the one to answer.
        return signedIn(changed ? Profiles.read(tx.handle(), user.id()) : UserProfile.of(known.found().user()), false,
                known.started());
    }

    private static SessionLifecycle.NewSession newSession(UUID userId, VerifiedIdToken token, SignInContext context) {
        return new SessionLifecycle.NewSession(userId, token.provider().wireName(), context.sessionClient(token.clientId()),
                context.platform(),
                context.deviceName(), context.appVersion(), context.ipAddress(), context.userAgent(), context.dpopJkt());
    }

    private static SignedIn signedIn(UserProfile profile, boolean isNewUser, SessionLifecycle.Started started) {
        return new SignedIn(profile, isNewUser, started.session().id(), started.session().clientId(),
                started.refreshToken(), started.session().expiresAt());
    }

    /** Step two: a new identity joins the one user its authoritative, verified e-mail names. */
    private SignedIn linkByEmail(SessionLifecycle.Transaction tx, UserRow user, VerifiedIdToken token,
                                 ClaimedProfile claimed, SignInContext context, Instant now) {
        requireEnabled(user);
        claimed.fill(new UserDao(tx.handle()), user.id(), now);
        new IdentityDao(tx.handle()).insert(Identities.newRow(ids, user.id(), token, now));
        final SessionLifecycle.Started started = tx.start(newSession(user.id(), token, context));
        tx.audit(Audit.Event.SIGN_IN, user.id(), user.id(), started.session().id(), context.ipAddress(),
                Map.of("provider", token.provider().wireName(), "newUser", false, "linkedBy", "email"));
        // An identity more: copies of its profile are out of date.
        tx.profileChanged(user.id());
        return signedIn(Profiles.read(tx.handle(), user.id()), false, started);
    }

    /**
     * Step three: a new user, with its identity, session and audit row in one statement.
     * "Verified" on the account means: by the authority for the address.
     */
    private SignedIn newUser(SessionLifecycle.Transaction tx, VerifiedIdToken token, ClaimedProfile claimed,
                             SignInContext context, Instant now) {
        final UserRow user = new UserRow(ids.next(), claimed.email(), claimed.emailAuthoritative(), claimed.name(),
                claimed.picture(), Roles.USER, null, now, now, false);
        final IdentityRow identity = Identities.newRow(ids, user.id(), token, now);
        final SessionLifecycle.Started started = tx.signUp(user, identity, newSession(user.id(), token, context),
                Map.of("provider", token.provider().wireName(), "newUser", true));
        // Nobody can have a copy of a profile that did not exist; all of it was written just now.
        return signedIn(UserProfile.of(new UserWithIdentities(user, List.of(identity), 0)), true, started);
    }

    private static Optional<SessionLifecycle.KnownIdentity> knownIdentity(SessionLifecycle.Transaction tx,
                                                                         VerifiedIdToken token, SignInContext context) {
        return tx.signInKnownIdentity(token.subject(), token.email(), token.emailVerified(), token.isPrivateEmail(),
                newSession(null, token, context), Map.of("provider", token.provider().wireName(), "newUser", false));
    }

    /**
     * Apple's transfer (TN3159): a token of the new team whose {@code transfer_sub} is the one the
     * old team stored moves that identity to its new subject (and address) instead of a new user
     * being made. Only tried when the subject is unknown: an ordinary sign-in pays nothing for it.
     */
    private static boolean transferred(SessionLifecycle.Transaction tx, VerifiedIdToken token, SignInContext context,
                                       Instant now) {
        final Optional<UUID> moved = new IdentityDao(tx.handle()).moveTransferred(token.transferSub(), token.subject(),
                token.email(), token.emailVerified(), token.isPrivateEmail(), now);
        moved.ifPresent(userId -> {
            tx.audit(Audit.Event.APPLE_SUBJECT_TRANSFERRED, userId, null, null, context.ipAddress(),
                    Map.of("by", "sign_in"));
            tx.profileChanged(userId);
        });
        return moved.isPresent();
    }

    /** The one user an e-mail may link to, under the linking rule above; none when in doubt. */
    static Optional<UserRow> userWithSameVerifiedEmail(SessionLifecycle.Transaction tx, VerifiedIdToken token,
                                                       PrivateRelay privateRelay) {
        if (!token.isEmailAuthoritative() || token.isPrivateEmail()) {
            return Optional.empty();
        }
        final UserDao users = new UserDao(tx.handle());
        // Two first sign-ins with one address (say Google and Apple at once) take turns here.
        users.lockEmail(token.email());
        final List<UserRow> candidates = users.findByVerifiedEmail(token.email()).stream()
                .filter(user -> !privateRelay.isRelayAddress(user.email()))
                .toList();
        if (candidates.size() != 1) {
            return Optional.empty();
        }
        final UserRow candidate = candidates.getFirst();
        final boolean hasThisProvider = new IdentityDao(tx.handle()).findByUser(candidate.id()).stream()
                .anyMatch(identity -> identity.provider().equals(token.provider().wireName()));
        return hasThisProvider ? Optional.empty() : Optional.of(candidate);
    }

    private static void requireEnabled(UserRow user) {
        if (user.isDisabled()) {
            throw new ApiException(ErrorCode.ACCOUNT_DISABLED, "This account is disabled.");
        }
    }
}
