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
import dev.oauthapi.identity.Provider;
import dev.oauthapi.identity.VerifiedIdToken;
import dev.oauthapi.sessions.Audit;
import dev.oauthapi.sessions.SessionLifecycle;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
        SignInOutcome outcome;
        try {
            outcome = sessions.inTransaction(tx -> signIn(tx, token, fullName, context));
        } catch (UnableToExecuteStatementException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            outcome = sessions.inTransaction(tx -> signIn(tx, token, fullName, context));
        }
        if (outcome.profileChanged()) {
            profiles.changed(outcome.signedIn().user().id());
        }
        return outcome.signedIn();
    }

    /** A committed sign-in, and whether it changed what the user's profile shows. */
    private record SignInOutcome(SignedIn signedIn, boolean profileChanged) {
    }

    /**
     * An existing identity costs four statements: the identity with its user and profile, the
     * sign-in record, the session with its first refresh token, and the audit row. The profile is
     * read again only when the sign-in changed it.
     */
    private SignInOutcome signIn(SessionLifecycle.Transaction tx, VerifiedIdToken token, String fullName,
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
                profile = toProfile(existing.get().user()); // nothing it shows changed
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
                        name, picture, "user", null, now, now);
                users.insert(user);
                isNewUser = true;
                profileChanged = false; // nobody can have a copy of a profile that did not exist
            }
            final IdentityRow identity = new IdentityRow(ids.next(), user.id(), provider, token.subject(),
                    token.email(), token.emailVerified(), token.isPrivateEmail(), now, now);
            identities.insert(identity);
            if (isNewUser) {
                profile = toProfile(new UserWithIdentities(user, List.of(identity))); // all of it written just now
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
        tx.audit(Audit.Event.SIGN_IN, user.id(), session.id(), context.ipAddress(), details);
        return new SignInOutcome(new SignedIn(profile != null ? profile : profile(handle, user.id()), isNewUser,
                session.id(), token.clientId(), started.refreshToken(), session.expiresAt()), profileChanged);
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
        // Two first sign-ins with one address (say Google and Apple at once) take turns here, or
        // both would find no user and make two.
        handle.execute("SELECT pg_advisory_xact_lock(hashtext(lower(?)))", token.email());
        final List<UserRow> candidates = new UserDao(handle).findByVerifiedEmail(token.email()).stream()
                .filter(user -> !isPrivateRelay(user.email()))
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
        final UserProfile linked = linkInTransaction(userId, token, fullName, ipAddress);
        profiles.changed(userId);
        return linked;
    }

    private UserProfile linkInTransaction(UUID userId, VerifiedIdToken token, String fullName, String ipAddress) {
        try {
            return jdbi.inTransaction(handle -> {
                final Instant now = clock.instant();
                final UserRow user = new UserDao(handle).lock(userId).orElseThrow(Accounts::userGone);
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
                audit(handle, Audit.Event.IDENTITY_LINKED, userId, null, ipAddress, Map.of("provider", provider));
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
            tx.audit(Audit.Event.IDENTITY_UNLINKED, userId, null, ipAddress,
                    Map.of("provider", provider.wireName(), "sessionsEnded", ended));
            return profile(handle, userId);
        });
        profiles.changed(userId);
        return unlinked;
    }

    /**
     * Deletes the account, its identities and its sessions in one transaction; every access token
     * of it stops working on the next request. The audit row outlives it.
     */
    public void delete(UUID userId, String ipAddress) {
        sessions.inTransaction(tx -> {
            final Handle handle = tx.handle();
            new UserDao(handle).lock(userId).orElseThrow(Accounts::userGone);
            final List<String> providers = new IdentityDao(handle).findByUser(userId).stream()
                    .map(IdentityRow::provider).toList();
            final int ended = tx.endForDeletion(userId);
            queueProviderTokenRevocations(handle, userId, null);
            new UserDao(handle).delete(userId);
            tx.audit(Audit.Event.ACCOUNT_DELETED, userId, null, ipAddress,
                    Map.of("providers", providers, "sessionsEnded", ended));
            return null;
        });
        profiles.changed(userId);
    }

    /**
     * Disables the account: it cannot sign in or refresh, and every session of it ends now. For
     * operators ({@code users disable}); re-enabling does not bring the sessions back.
     */
    public void disable(UUID userId) {
        sessions.inTransaction(tx -> {
            final Handle handle = tx.handle();
            if (new UserDao(handle).disable(userId, clock.instant()) == 0
                    && new UserDao(handle).find(userId).isEmpty()) {
                throw new ApiException(ErrorCode.NOT_FOUND, "There is no user " + userId + ".");
            }
            final int ended = tx.endAllBut(userId, null, "account_disabled");
            tx.audit(Audit.Event.ACCOUNT_DISABLED, userId, null, null, Map.of("sessionsEnded", ended));
            return null;
        });
    }

    /** The roles a user may have; {@code user} is every new account's. */
    public static final List<String> ROLES = List.of("user", "admin", "superadmin");

    /**
     * Gives the user a role. It takes effect on the user's next request on every instance, whatever
     * their access tokens claim. The last superadmin keeps the role ({@code 409 last_superadmin}):
     * without one, nobody could change roles through the API again.
     *
     * @param actorId who did it (null for the command line); {@code details} say more (the OS user)
     */
    public UserProfile changeRole(UUID userId, String role, UUID actorId, Map<String, ?> details) {
        if (!ROLES.contains(role)) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "role: must be one of " + String.join(", ", ROLES) + ".");
        }
        final UserProfile changed = sessions.inTransaction(tx -> {
            final UserDao users = new UserDao(tx.handle());
            final UserRow user = users.lock(userId)
                    .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "There is no user " + userId + "."));
            if (user.role().equals(role)) {
                return profile(tx.handle(), userId);
            }
            if (user.role().equals("superadmin") && users.countSuperadminsLocked() <= 1) {
                throw new ApiException(ErrorCode.LAST_SUPERADMIN,
                        "This is the last superadmin; make another one first.");
            }
            users.setRole(userId, role, clock.instant());
            tx.roleChanged(userId);
            final Map<String, Object> audited = new LinkedHashMap<>(details);
            audited.put("role", role);
            audited.put("previousRole", user.role());
            if (actorId != null) {
                audited.put("actorId", actorId.toString());
            }
            tx.audit(Audit.Event.ROLE_CHANGED, userId, null, null, audited);
            return profile(tx.handle(), userId);
        });
        profiles.changed(userId);
        return changed;
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

    /** Lets a disabled account sign in again; its ended sessions stay ended. */
    public void enable(UUID userId) {
        jdbi.useTransaction(handle -> {
            if (new UserDao(handle).enable(userId, clock.instant()) == 0) {
                throw new ApiException(ErrorCode.NOT_FOUND, "There is no user " + userId + ".");
            }
            audit(handle, Audit.Event.ACCOUNT_ENABLED, userId, null, null, Map.of());
        });
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
        final UserProfile updated = jdbi.inTransaction(handle -> {
            if (new UserDao(handle).updateProfile(userId, name, avatarUrl, clock.instant()) == 0) {
                throw userGone();
            }
            return profile(handle, userId);
        });
        profiles.changed(userId);
        return updated;
    }

    /** The user with its identities: one statement. */
    private static UserProfile profile(Handle handle, UUID userId) {
        return toProfile(new UserDao(handle).findWithIdentities(userId).orElseThrow(Accounts::userGone));
    }

    private static UserProfile toProfile(UserWithIdentities found) {
        final UserRow user = found.user();
        final List<LinkedIdentity> identities = found.identities().stream()
                .map(identity -> new LinkedIdentity(identity.provider(), identity.email(), identity.isPrivateEmail(),
                        identity.linkedAt()))
                .toList();
        return new UserProfile(user.id(), user.email(), user.emailVerified(), user.name(), user.avatarUrl(),
                user.role(), user.createdAt(), identities);
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

    private void audit(Handle handle, Audit.Event event, UUID userId, UUID sessionId, String ip, Map<String, ?> details) {
        Audit.record(handle, clock.instant(), event, userId, sessionId, ip, details);
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

    private static boolean isPrivateRelay(String email) {
        return email != null && email.toLowerCase(Locale.ROOT).endsWith("@privaterelay.appleid.com");
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
