package dev.oauthapi.users;

import dev.oauthapi.db.IdentityDao;
import dev.oauthapi.db.IdentityRow;
import dev.oauthapi.db.IdentityWithUser;
import dev.oauthapi.db.RevocationDao;
import dev.oauthapi.db.RowIds;
import dev.oauthapi.db.SealedProviderToken;
import dev.oauthapi.db.SessionRow;
import dev.oauthapi.db.UserDao;
import dev.oauthapi.db.UserRow;
import dev.oauthapi.db.UserWithIdentities;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.identity.IdTokenVerifier;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.identity.VerifiedIdToken;
import dev.oauthapi.sessions.Audit;
import dev.oauthapi.sessions.SessionLifecycle;
import dev.oauthapi.tokens.Roles;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Users and their identities, each operation one transaction. An identity is (provider, subject),
 * never an e-mail address; an e-mail links a new identity to an existing user only when both
 * addresses are verified, equal ignoring case, and neither is an Apple private relay.
 */
public final class Accounts {
    private static final String UNIQUE_VIOLATION = "23505";

    private final Jdbi jdbi;
    private final SessionLifecycle sessions;
    private final RowIds ids;
    private final Clock clock;
    private final ProfileCache profiles;

    public Accounts(Jdbi jdbi, SessionLifecycle sessions, RowIds ids, Clock clock, ProfileCache profiles) {
        this.jdbi = jdbi;
        this.sessions = sessions;
        this.ids = ids;
        this.clock = clock;
        this.profiles = profiles;
    }

    /**
     * Signs in with a verified provider token: finds, links or creates the user, and starts a
     * session, all in one transaction. Two concurrent first sign-ins of one identity race on the
     * (provider, subject) key; the loser's transaction rolls back and runs again, finding the
     * winner's user.
     */
    public SignedIn signIn(VerifiedIdToken token, String fullName, SignInContext context) {
        try {
            return sessions.inTransaction(tx -> signIn(tx, token, fullName, context));
        } catch (UnableToExecuteStatementException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            return sessions.inTransaction(tx -> signIn(tx, token, fullName, context));
        }
    }

    /**
     * An existing identity costs four statements: the identity with its user and profile, the
     * sign-in record, the session with its first refresh token, and the audit row. The profile is
     * read again only when the sign-in changed it.
     */
    private SignedIn signIn(SessionLifecycle.Transaction tx, VerifiedIdToken token, String fullName,
                            SignInContext context) {
        final Handle handle = tx.handle();
        final Instant now = clock.instant();
        final UserDao users = new UserDao(handle);
        final IdentityDao identities = new IdentityDao(handle);
        final String provider = token.provider().wireName();
        final String name = firstNonBlank(token.name(), fullName);
        final String picture = httpsUrlOrNull(token.picture());

        final Optional<IdentityWithUser> existing = identities.findWithUser(provider, token.subject());
        final UserRow user;
        boolean isNewUser = false;
        boolean profileChanged;
        String linkedBy = null;
        // The profile to answer, when it is known without reading it again.
        UserProfile profile = null;
        if (existing.isPresent()) {
            user = existing.get().user().user();
            requireEnabled(user);
            if (existing.get().identity().signInDisabledAt() != null) {
                // The provider told us this account is disabled there (Google RISC).
                throw new ApiException(ErrorCode.ACCOUNT_DISABLED, "Sign-in with this " + provider + " account is disabled.");
            }
            identities.recordSignIn(existing.get().identity().id(), token.email(), token.emailVerified(),
                    token.isPrivateEmail(), now);
            profileChanged = changesIdentityEmail(existing.get().identity(), token);
            if (needsProfileFill(user, token.email(), name, picture)) {
                users.fillEmptyProfile(user.id(), token.email(), token.isEmailAuthoritative(), name, picture, now);
                profileChanged = true;
            }
            if (!profileChanged) {
                profile = UserProfile.of(existing.get().user()); // nothing it shows changed
            }
        } else {
            final Optional<UserRow> sameEmail = userWithSameVerifiedEmail(handle, token);
            if (sameEmail.isPresent()) {
                user = sameEmail.get();
                requireEnabled(user);
                linkedBy = "email";
                profileChanged = true; // an identity more: copies of its profile are out of date
                users.fillEmptyProfile(user.id(), token.email(), token.isEmailAuthoritative(), name, picture, now);
            } else {
                // "Verified" on the account means: by a provider that is the authority for the address.
                user = new UserRow(ids.next(), token.email(), token.isEmailAuthoritative(),
                        name, picture, Roles.USER, null, now, now);
                users.insert(user);
                isNewUser = true;
                profileChanged = false; // nobody can have a copy of a profile that did not exist
            }
            final IdentityRow identity = new IdentityRow(ids.next(), user.id(), provider, token.subject(),
                    token.email(), token.emailVerified(), token.isPrivateEmail(), now, now);
            identities.insert(identity);
            if (isNewUser) {
                profile = UserProfile.of(new UserWithIdentities(user, List.of(identity))); // all of it written just now
            }
        }

        final SessionLifecycle.Started started = tx.start(new SessionLifecycle.NewSession(user.id(), provider,
                token.clientId(), context.platform(), context.deviceName(), context.appVersion(), context.ipAddress(),
                context.userAgent()));
        final SessionRow session = started.session();
        final Map<String, Object> details = new LinkedHashMap<>();
        details.put("provider", provider);
        details.put("newUser", isNewUser);
        if (linkedBy != null) {
            details.put("linkedBy", linkedBy);
        }
        tx.audit(Audit.Event.SIGN_IN, user.id(), user.id(), session.id(), context.ipAddress(), details);
        if (profileChanged) {
            tx.profileChanged(user.id());
        }
        return new SignedIn(profile != null ? profile : profile(handle, user.id()), isNewUser,
                session.id(), token.clientId(), started.refreshToken(), session.expiresAt());
    }

    /** Whether {@link IdentityDao#recordSignIn} changes what the profile shows of the identity. */
    private static boolean changesIdentityEmail(IdentityRow identity, VerifiedIdToken token) {
        return token.email() != null && (!token.email().equals(identity.email())
                || token.emailVerified() != identity.emailVerified() || token.isPrivateEmail() != identity.isPrivateEmail());
    }

    /** Whether {@link UserDao#fillEmptyProfile} would change anything: most sign-ins skip the statement. */
    private static boolean needsProfileFill(UserRow user, String email, String name, String picture) {
        return (user.email() == null && email != null) || (user.name() == null && name != null)
                || (user.avatarUrl() == null && picture != null);
    }

    /** The one user an e-mail may link to, under the linking rule above; none when in doubt. */
    private static Optional<UserRow> userWithSameVerifiedEmail(Handle handle, VerifiedIdToken token) {
        if (!token.isEmailAuthoritative() || token.isPrivateEmail()) {
            return Optional.empty();
        }
        // Two first sign-ins with one address (say Google and Apple at once) take turns here.
        new UserDao(handle).lockEmail(token.email());
        final List<UserRow> candidates = new UserDao(handle).findByVerifiedEmail(token.email()).stream()
                .filter(user -> !IdTokenVerifier.isPrivateRelayAddress(user.email()))
                .toList();
        if (candidates.size() != 1) {
            return Optional.empty();
        }
        final UserRow candidate = candidates.getFirst();
        final boolean hasThisProvider = new IdentityDao(handle).findByUser(candidate.id()).stream()
                .anyMatch(identity -> identity.provider().equals(token.provider().wireName()));
        return hasThisProvider ? Optional.empty() : Optional.of(candidate);
    }

    /** Links another provider account to a signed-in user. Linking the same one again changes nothing. */
    public UserProfile link(UUID userId, VerifiedIdToken token, String fullName, String ipAddress) {
        return linkInTransaction(userId, token, fullName, ipAddress);
    }

    private UserProfile linkInTransaction(UUID userId, VerifiedIdToken token, String fullName, String ipAddress) {
        try {
            return sessions.inTransaction(tx -> {
                final Handle handle = tx.handle();
                final Instant now = clock.instant();
                final UserRow user = new UserDao(handle).lock(userId).orElseThrow(Accounts::userGone);
                tx.profileChanged(userId);
                final IdentityDao identities = new IdentityDao(handle);
                final String provider = token.provider().wireName();
                final Optional<IdentityRow> existing = identities.find(provider, token.subject());
                if (existing.isPresent()) {
                    if (!existing.get().userId().equals(userId)) {
                        throw alreadyLinked("This " + provider + " account belongs to another user.");
                    }
                    return profile(handle, userId);
                }
                if (identities.findByUser(userId).stream().anyMatch(identity -> identity.provider().equals(provider))) {
                    throw alreadyLinked("Another " + provider + " account is already linked; unlink it first.");
                }
                identities.insert(new IdentityRow(ids.next(), user.id(), provider, token.subject(),
                        token.email(), token.emailVerified(), token.isPrivateEmail(), now, now));
                new UserDao(handle).fillEmptyProfile(userId, token.email(), token.isEmailAuthoritative(),
                        firstNonBlank(token.name(), fullName), httpsUrlOrNull(token.picture()), now);
                audit(handle, Audit.Event.IDENTITY_LINKED, userId, userId, null, ipAddress, Map.of("provider", provider));
                return profile(handle, userId);
            });
        } catch (UnableToExecuteStatementException e) {
            if (isUniqueViolation(e)) {
                throw alreadyLinked("This " + token.provider().wireName() + " account was linked elsewhere meanwhile.");
            }
            throw e;
        }
    }

    /**
     * Unlinks a provider account; the last one stays, or the user could never sign in again. The
     * sessions signed in through that provider end with it (the current one too, when it is one of
     * them): they were opened by an identity the account no longer has, and no later event from
     * the provider could reach them.
     */
    public UserProfile unlink(UUID userId, Provider provider, String ipAddress) {
        final UserProfile unlinked = sessions.inTransaction(tx -> {
            final Handle handle = tx.handle();
            new UserDao(handle).lock(userId).orElseThrow(Accounts::userGone);
            final IdentityDao identities = new IdentityDao(handle);
            final List<IdentityRow> linked = identities.findByUser(userId);
            if (linked.stream().noneMatch(identity -> identity.provider().equals(provider.wireName()))) {
                throw new ApiException(ErrorCode.NOT_FOUND, "No " + provider.wireName() + " account is linked.");
            }
            if (linked.size() == 1) {
                throw new ApiException(ErrorCode.LAST_IDENTITY,
                        "This is the only way to sign in to this account; link another provider first.");
            }
            queueProviderTokenRevocations(handle, userId, provider.wireName());
            identities.delete(userId, provider.wireName());
            final int ended = tx.endOfProvider(userId, provider.wireName(), "identity_unlinked");
            tx.audit(Audit.Event.IDENTITY_UNLINKED, userId, userId, null, ipAddress,
                    Map.of("provider", provider.wireName(), "sessionsEnded", ended));
            tx.profileChanged(userId);
            return profile(handle, userId);
        });
        return unlinked;
    }

    /**
     * Deletes the account, its identities and its sessions in one transaction, on its owner's
     * request; every access token of it stops working on the next request, and its provider tokens
     * go to the revocation outbox. The audit row outlives it.
     */
    public void deleteOwn(UUID userId, String ipAddress) {
        delete(userId, null, ipAddress);
    }

    /**
     * The same deletion, by an admin (or the command line). An admin cannot delete a superadmin,
     * and the last active superadmin stays ({@code 409 last_superadmin}): without one, nobody
     * could change roles through the API again.
     */
    public void delete(UUID userId, Actor actor, String ipAddress) {
        sessions.inTransaction(tx -> {
            final Handle handle = tx.handle();
            final UserRow user;
            if (actor == null) {
                user = new UserDao(handle).lock(userId).orElseThrow(Accounts::userGone);
            } else {
                final Locked locked = lockForChange(handle, userId, actor);
                user = locked.target();
                locked.actor().requireMayManage(userId, user.role(), "delete");
                requireNotLastSuperadmin(handle, user);
            }
            final List<String> providers = new IdentityDao(handle).findByUser(userId).stream()
                    .map(IdentityRow::provider).toList();
            final int ended = tx.endForDeletion(userId);
            queueProviderTokenRevocations(handle, userId, null);
            new UserDao(handle).delete(userId);
            tx.audit(Audit.Event.ACCOUNT_DELETED, userId, actor == null ? userId : actor.id(), null, ipAddress,
                    with(actor == null ? Map.of() : actor.auditDetails(),
                            Map.of("providers", providers, "sessionsEnded", ended)));
            tx.profileChanged(userId);
            return null;
        });
    }

    /**
     * Changes an account's role, its disabled state, or both, in one transaction ({@code null}
     * leaves either as it is). A role change takes effect on the user's next request on every
     * instance, whatever their access tokens claim; it is for a superadmin, never on their own
     * account. Disabling ends every session of the user at once and refuses sign-in and refresh
     * until enabled again (the ended sessions stay ended); nobody disables their own account, and
     * an admin cannot disable a superadmin. The last active superadmin keeps the role and stays
     * enabled ({@code 409 last_superadmin}). A change to what the account already is, is none, and
     * is not audited.
     */
    public UserProfile update(UUID userId, Actor actor, String role, Boolean disabled, String ipAddress) {
        if (role != null && !Roles.ALL.contains(role)) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "role: must be one of " + String.join(", ", Roles.ALL) + ".");
        }
        return sessions.inTransaction(tx -> {
            final Handle handle = tx.handle();
            final Locked locked = lockForChange(handle, userId, actor);
            final Actor current = locked.actor();
            UserRow user = locked.target();
            final boolean roleChanges = role != null && !role.equals(user.role());
            if (roleChanges) {
                changeRole(tx, user, role, current, ipAddress);
                user = withRole(user, role);
                tx.profileChanged(userId); // the profile shows the role
            }
            if (disabled != null && disabled != user.isDisabled()) {
                if (disabled) {
                    disable(tx, user, current, ipAddress);
                } else {
                    current.requireMayManage(userId, user.role(), "enable");
                    new UserDao(handle).enable(userId, clock.instant());
                    tx.audit(Audit.Event.ACCOUNT_ENABLED, userId, current.id(), null, ipAddress, current.auditDetails());
                }
            }
            return profile(handle, userId);
        });
    }

    private void changeRole(SessionLifecycle.Transaction tx, UserRow user, String role, Actor actor, String ipAddress) {
        if (actor.is(user.id())) {
            throw forbidden("Nobody changes their own role.");
        }
        if (!actor.isSuperadmin()) {
            throw forbidden("This needs the role superadmin.");
        }
        requireNotLastSuperadmin(tx.handle(), user);
        new UserDao(tx.handle()).setRole(user.id(), role, clock.instant());
        tx.roleChanged(user.id());
        tx.audit(Audit.Event.ROLE_CHANGED, user.id(), actor.id(), null, ipAddress,
                with(actor.auditDetails(), Map.of("role", role, "previousRole", user.role())));
    }

    private void disable(SessionLifecycle.Transaction tx, UserRow user, Actor actor, String ipAddress) {
        if (actor.is(user.id())) {
            throw forbidden("Nobody disables their own account.");
        }
        actor.requireMayManage(user.id(), user.role(), "disable");
        requireNotLastSuperadmin(tx.handle(), user);
        new UserDao(tx.handle()).disable(user.id(), clock.instant());
        final int ended = tx.endAllBut(user.id(), null, "account_disabled");
        tx.audit(Audit.Event.ACCOUNT_DISABLED, user.id(), actor.id(), null, ipAddress,
                with(actor.auditDetails(), Map.of("sessionsEnded", ended)));
    }

    /** The account about to change, locked, and who changes it, as of now. */
    private record Locked(UserRow target, Actor actor) {
    }

    /**
     * Locks the account about to change, and reads the signed-in actor's own row again under a
     * shared lock: the role their request was let in with may have been taken away meanwhile (two
     * superadmins demoting each other take turns, and the second finds they no longer may). Rows
     * are locked in id order, so two admins acting on each other cannot deadlock. A missing
     * account is "not found" to an admin, and to its owner a token that is no longer good.
     */
    private static Locked lockForChange(Handle handle, UUID userId, Actor actor) {
        final UserDao users = new UserDao(handle);
        final boolean other = actor.id() != null && !actor.is(userId);
        Actor current = other && actor.id().compareTo(userId) < 0 ? reread(users, actor) : actor;
        final UserRow target = users.lock(userId).orElseThrow(() -> actor.is(userId)
                ? userGone() : new ApiException(ErrorCode.NOT_FOUND, "There is no such user."));
        if (other && actor.id().compareTo(userId) > 0) {
            current = reread(users, actor);
        } else if (actor.is(userId)) {
            current = Actor.signedIn(userId, target.role());
        }
        return new Locked(target, current);
    }

    /** The actor as of now; one who is no longer an active admin may no longer act on others. */
    private static Actor reread(UserDao users, Actor actor) {
        return users.lockShared(actor.id())
                .filter(row -> !row.isDisabled() && Roles.isAdmin(row.role()))
                .map(row -> Actor.signedIn(row.id(), row.role()))
                .orElseThrow(() -> forbidden("Your account can no longer do this."));
    }

    /** An active superadmin about to lose the role, be disabled or be deleted must not be the last. */
    private static void requireNotLastSuperadmin(Handle handle, UserRow user) {
        if (user.role().equals(Roles.SUPERADMIN) && !user.isDisabled()
                && new UserDao(handle).countActiveSuperadminsLocked() <= 1) {
            throw new ApiException(ErrorCode.LAST_SUPERADMIN, "This is the last superadmin; make another one first.");
        }
    }

    private static UserRow withRole(UserRow user, String role) {
        return new UserRow(user.id(), user.email(), user.emailVerified(), user.name(), user.avatarUrl(), role,
                user.disabledAt(), user.createdAt(), user.updatedAt());
    }

    private static Map<String, Object> with(Map<String, ?> first, Map<String, ?> second) {
        final Map<String, Object> both = new LinkedHashMap<>(first);
        both.putAll(second);
        return both;
    }

    private static ApiException forbidden(String detail) {
        return new ApiException(ErrorCode.FORBIDDEN, detail);
    }

    /** The one user with this e-mail address; none or several is a refusal naming the problem. */
    public UUID userWithEmail(String email) {
        final List<UserRow> found = jdbi.withHandle(handle -> new UserDao(handle).findByEmail(email));
        if (found.isEmpty()) {
            throw new ApiException(ErrorCode.NOT_FOUND, "No user has that e-mail address.");
        }
        if (found.size() > 1) {
            throw new ApiException(ErrorCode.CONFLICT, found.size() + " users have that e-mail address; use --id.");
        }
        return found.getFirst().id();
    }

    /**
     * The user's profile: the copy cached under {@code userVersion} (what the request's session
     * check read from Redis), else one statement, cached under it.
     */
    public UserProfile profile(UUID userId, String userVersion) {
        final Optional<UserProfile> cached = profiles.get(userId, userVersion);
        if (cached.isPresent()) {
            return cached.get();
        }
        final UserProfile profile = jdbi.withHandle(handle -> profile(handle, userId));
        profiles.put(userId, userVersion, profile);
        return profile;
    }

    /** Sets the fields given (null leaves a field as it is). */
    public UserProfile updateProfile(UUID userId, String name, String avatarUrl) {
        return sessions.inTransaction(tx -> {
            if (new UserDao(tx.handle()).updateProfile(userId, name, avatarUrl, clock.instant()) == 0) {
                throw userGone();
            }
            tx.profileChanged(userId);
            return profile(tx.handle(), userId);
        });
    }

    /** The user with its identities: one statement. */
    private static UserProfile profile(Handle handle, UUID userId) {
        return UserProfile.of(new UserDao(handle).findWithIdentities(userId).orElseThrow(Accounts::userGone));
    }

    /**
     * Copies the provider tokens about to be deleted into the revocation outbox, in the deleting
     * transaction: the deletion and the promise to revoke commit together or not at all.
     */
    private void queueProviderTokenRevocations(Handle handle, UUID userId, String provider) {
        final Instant now = clock.instant();
        for (SealedProviderToken token : new IdentityDao(handle).sealedTokens(userId, provider)) {
            new RevocationDao(handle).insert(token.provider(), token.clientId(), token.providerTokenSealed(),
                    token.providerTokenKeyId(), userId, now);
        }
    }

    private void audit(Handle handle, Audit.Event event, UUID userId, UUID actorId, UUID sessionId, String ip,
                       Map<String, ?> details) {
        Audit.record(handle, clock.instant(), event, userId, actorId, sessionId, ip, details);
    }

    private static void requireEnabled(UserRow user) {
        if (user.isDisabled()) {
            throw new ApiException(ErrorCode.ACCOUNT_DISABLED, "This account is disabled.");
        }
    }

    /** The token's user is gone (the account was deleted): the token is no longer good. */
    private static ApiException userGone() {
        return new ApiException(ErrorCode.INVALID_TOKEN, "The account of this token no longer exists.",
                Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""));
    }

    private static ApiException alreadyLinked(String detail) {
        return new ApiException(ErrorCode.IDENTITY_ALREADY_LINKED, detail);
    }

    private static boolean isUniqueViolation(UnableToExecuteStatementException e) {
        return e.getCause() instanceof java.sql.SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState());
    }

    private static String firstNonBlank(String first, String second) {
        if (first != null && !first.isBlank()) {
            return truncate(first.strip(), 100);
        }
        return second == null || second.isBlank() ? null : truncate(second.strip(), 100);
    }

    private static String truncate(String value, int length) {
        return value.length() <= length ? value : value.substring(0, length);
    }

    /** Provider pictures are shown by apps: only https URLs of sane length are kept. */
    private static String httpsUrlOrNull(String url) {
        if (url == null || url.length() > 2048) {
            return null;
        }
        try {
            final URI uri = URI.create(url);
            return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null ? url : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
