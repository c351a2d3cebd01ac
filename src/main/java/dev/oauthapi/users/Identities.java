package dev.oauthapi.users;

import dev.oauthapi.db.IdentityDao;
import dev.oauthapi.db.IdentityRow;
import dev.oauthapi.db.PasskeyDao;
import dev.oauthapi.db.RowIds;
import dev.oauthapi.db.UniqueViolation;
import dev.oauthapi.db.UserDao;
import dev.oauthapi.db.UserRow;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.identity.PrivateRelay;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.identity.VerifiedIdToken;
import dev.oauthapi.sessions.Audit;
import dev.oauthapi.sessions.SessionLifecycle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The provider accounts a signed-in user links to their account, and unlinks: at most one a
 * provider, never one that belongs to another user, and never the last one. A guest that links one
 * becomes a full account ({@link Guests}); one whose identity the sign-in rules would resolve to
 * another user, by the identity or by its authoritative e-mail, is refused with a {@code mergeToken}.
 */
public final class Identities {
    private final SessionLifecycle lifecycle;
    private final RowIds ids;
    private final MergeTokens mergeTokens;
    private final PrivateRelay privateRelay;
    private final Clock clock;

    public Identities(SessionLifecycle lifecycle, RowIds ids, MergeTokens mergeTokens, PrivateRelay privateRelay,
                      Clock clock) {
        this.lifecycle = lifecycle;
        this.ids = ids;
        this.mergeTokens = mergeTokens;
        this.privateRelay = privateRelay;
        this.clock = clock;
    }

    /** Links another provider account to a signed-in user. Linking the same one again changes nothing. */
    public UserProfile link(UUID userId, VerifiedIdToken token, String fullName, String ipAddress) {
        final String provider = token.provider().wireName();
        try {
            return lifecycle.inTransaction(tx -> {
                final UserRow user = new UserDao(tx.handle()).lock(userId).orElseThrow(Profiles::userGone);
                final IdentityDao identities = new IdentityDao(tx.handle());
                final Optional<IdentityRow> existing = identities.find(provider, token.subject());
                if (existing.isPresent()) {
                    if (!existing.get().userId().equals(userId)) {
                        if (user.anonymous()) {
                            // No way into an account through an identity that may not sign in.
                            if (existing.get().signInDisabledAt() != null) {
                                throw new ApiException(ErrorCode.ACCOUNT_DISABLED,
                                        "Sign-in with this " + provider + " account is disabled.");
                            }
                            throw guestConflict(userId, existing.get().userId(), token, false);
                        }
                        throw alreadyLinked("This " + provider + " account belongs to another user.");
                    }
                    return Profiles.read(tx.handle(), userId);
                }
                // An Apple identity moving teams is its user's under the old subject, as a sign-in would find.
                final Optional<UUID> transferred = token.transferSub() == null ? Optional.empty()
                        : identities.userOfTransferSub(token.transferSub());
                if (transferred.isPresent() && !transferred.get().equals(userId)) {
                    if (user.anonymous()) {
                        throw guestConflict(userId, transferred.get(), token, false);
                    }
                    throw alreadyLinked("This " + provider + " account belongs to another user.");
                }
                if (user.anonymous()) {
                    // Never two accounts with one e-mail: a sign-in would have gone to that user.
                    final Optional<UserRow> byEmail = AccountResolution.userWithSameVerifiedEmail(tx, token, privateRelay);
                    if (byEmail.isPresent() && !byEmail.get().id().equals(userId)) {
                        throw guestConflict(userId, byEmail.get().id(), token, true);
                    }
                }
                if (identities.findByUser(userId).stream().anyMatch(identity -> identity.provider().equals(provider))) {
                    throw alreadyLinked("Another " + provider + " account is already linked; unlink it first.");
                }
                final Instant now = clock.instant();
                identities.insert(newRow(ids, userId, token, now));
                ClaimedProfile.of(token, fullName).fill(new UserDao(tx.handle()), userId, now);
                tx.audit(Audit.Event.IDENTITY_LINKED, userId, userId, null, ipAddress, Map.of("provider", provider));
                tx.profileChanged(userId);
                Guests.upgraded(tx, userId, provider, ipAddress, now);
                return Profiles.read(tx.handle(), userId);
            });
        } catch (UnableToExecuteStatementException e) {
            if (UniqueViolation.is(e)) {
                throw alreadyLinked("This " + provider + " account was linked elsewhere meanwhile.");
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
        final String name = provider.wireName();
        return lifecycle.inTransaction(tx -> {
            new UserDao(tx.handle()).lock(userId).orElseThrow(Profiles::userGone);
            final IdentityDao identities = new IdentityDao(tx.handle());
            final List<IdentityRow> linked = identities.findByUser(userId);
            if (linked.stream().noneMatch(identity -> identity.provider().equals(name))) {
                throw new ApiException(ErrorCode.NOT_FOUND, "No " + name + " account is linked.");
            }
            // A passkey is a way to sign in too: with one, the last identity may go.
            if (linked.size() == 1 && new PasskeyDao(tx.handle()).ofUser(userId).isEmpty()) {
                throw new ApiException(ErrorCode.LAST_IDENTITY,
                        "This is the only way to sign in to this account; link another provider or add a passkey first.");
            }
            ProviderTokenOutbox.queue(tx.handle(), userId, name, clock.instant());
            identities.delete(userId, name);
            final int ended = tx.endOfProvider(userId, name, "identity_unlinked");
            tx.audit(Audit.Event.IDENTITY_UNLINKED, userId, userId, null, ipAddress,
                    Map.of("provider", name, "sessionsEnded", ended));
            tx.profileChanged(userId);
            return Profiles.read(tx.handle(), userId);
        });
    }

    /** The row of a provider account joining {@code userId}: what the provider said of it, as of now. */
    static IdentityRow newRow(RowIds ids, UUID userId, VerifiedIdToken token, Instant now) {
        return new IdentityRow(ids.next(), userId, token.provider().wireName(), token.subject(), token.email(),
                token.emailVerified(), token.isPrivateEmail(), now, now);
    }

    private ApiException guestConflict(UUID guestId, UUID userId, VerifiedIdToken token, boolean byEmail) {
        final Guests.Conflict conflict = new Guests.Conflict(guestId, userId, token.provider().wireName(),
                token.subject(), token.email(), token.emailVerified(), token.isPrivateEmail(), token.clientId(), byEmail,
                token.transferSub());
        return new ApiException(ErrorCode.IDENTITY_ALREADY_LINKED, "This " + token.provider().wireName()
                + " account belongs to an existing account: merge this guest into it with the mergeToken"
                + " (POST /api/auth/merge), or sign in to it.", Map.of(), Map.of("mergeToken", mergeTokens.issue(conflict)));
    }

    private static ApiException alreadyLinked(String detail) {
        return new ApiException(ErrorCode.IDENTITY_ALREADY_LINKED, detail);
    }
}
