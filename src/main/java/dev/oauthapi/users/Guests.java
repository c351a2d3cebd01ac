package dev.oauthapi.users;

import dev.oauthapi.db.IdentityDao;
import dev.oauthapi.db.IdentityRow;
import dev.oauthapi.db.RowIds;
import dev.oauthapi.db.UserDao;
import dev.oauthapi.db.UserRow;
import dev.oauthapi.db.UserWithIdentities;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.sessions.Audit;
import dev.oauthapi.sessions.SessionLifecycle;
import dev.oauthapi.tokens.Roles;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Guest accounts, one lifecycle: made without an identity ({@link #signUp}), upgraded in place when
 * they link one or add a passkey (by {@link Identities} and the passkeys, through {@link #upgraded}),
 * merged into the existing account their identity belongs to ({@link #merge}), and deleted once
 * unused for the retention (the session purge, {@code SessionPurge#purgeGuests}).
 */
public final class Guests {
    public static final String PROVIDER = "anonymous";
    /** A guest's sessions belong to no provider's client: the app-check gate counts them as an app's. */
    public static final String CLIENT = "anonymous";

    /**
     * The identity a guest tried to link, and the existing user it belongs to by the sign-in rules:
     * what a merge signs the guest into. {@code byEmail}: the e-mail rule named the user (the
     * identity itself is not theirs yet); {@code transferSub}: Apple's, when the identity is the
     * user's under their old team's subject.
     */
    public record Conflict(UUID guestId, UUID userId, String provider, String subject, String email,
                           boolean emailVerified, boolean privateEmail, String clientId, boolean byEmail,
                           String transferSub) {
    }

    private final SessionLifecycle lifecycle;
    private final RowIds ids;
    private final Clock clock;

    public Guests(SessionLifecycle lifecycle, RowIds ids, Clock clock) {
        this.lifecycle = lifecycle;
        this.ids = ids;
        this.clock = clock;
    }

    /** A new guest and its first session: no e-mail, no identity; audited as a sign-in. */
    public SignedIn signUp(SignInContext context) {
        return lifecycle.inTransaction(tx -> {
            final Instant now = clock.instant();
            final UserRow user = new UserRow(ids.next(), null, false, null, null, Roles.USER, null, now, now, true);
            new UserDao(tx.handle()).insert(user);
            final SessionLifecycle.Started started = tx.start(newSession(user.id(), PROVIDER, CLIENT, context));
            tx.audit(Audit.Event.SIGN_IN, user.id(), user.id(), started.session().id(), context.ipAddress(),
                    Map.of("provider", PROVIDER, "newUser", true));
            return new SignedIn(UserProfile.of(new UserWithIdentities(user, List.of(), 0)), true,
                    started.session().id(), CLIENT, started.refreshToken(), started.session().expiresAt());
        });
    }

    /**
     * Inside the transaction of a link or a passkey registration of {@code userId}: a guest becomes
     * a full account, the same user with its sessions, and it is audited.
     */
    public static void upgraded(SessionLifecycle.Transaction tx, UUID userId, String how, String ipAddress,
                                Instant now) {
        if (new UserDao(tx.handle()).upgradeGuest(userId, now) == 1) {
            tx.audit(Audit.Event.GUEST_UPGRADED, userId, userId, null, ipAddress, Map.of("by", how));
            tx.profileChanged(userId);
        }
    }

    /**
     * The guest signs in to the user of {@code conflict}, in one transaction: the identity joins
     * that user when the e-mail rule named it (as a sign-in would have linked it), a session of that
     * user starts, the guest's sessions end and the guest is deleted, audited on both. A guest that
     * is gone, or no guest any more, was merged or upgraded already: nothing changes.
     */
    public SignedIn merge(Conflict conflict, SignInContext context) {
        return lifecycle.inTransaction(tx -> {
            final Instant now = clock.instant();
            final UserDao users = new UserDao(tx.handle());
            final UserRow guest = users.lock(conflict.guestId()).filter(UserRow::anonymous)
                    .orElseThrow(() -> new ApiException(ErrorCode.INVALID_MERGE_TOKEN,
                            "mergeToken: this guest was merged or upgraded already."));
            final UserRow user = users.lock(conflict.userId()).orElseThrow(() -> new ApiException(
                    ErrorCode.INVALID_MERGE_TOKEN, "mergeToken: the account to merge into is gone."));
            if (user.isDisabled()) {
                throw new ApiException(ErrorCode.ACCOUNT_DISABLED, "This account is disabled.");
            }
            identityStillLeadsTo(tx, conflict, user, context, now);
            final int ended = tx.endForDeletion(guest.id());
            users.delete(guest.id());
            final SessionLifecycle.Started started = tx.start(newSession(user.id(), conflict.provider(),
                    context.sessionClient(conflict.clientId()), context));
            tx.audit(Audit.Event.GUEST_MERGED, guest.id(), guest.id(), null, context.ipAddress(),
                    Map.of("into", user.id().toString(), "sessionsEnded", ended));
            tx.audit(Audit.Event.GUEST_MERGED, user.id(), guest.id(), started.session().id(), context.ipAddress(),
                    Map.of("mergedFrom", guest.id().toString(), "provider", conflict.provider()));
            tx.profileChanged(guest.id());
            return new SignedIn(Profiles.read(tx.handle(), user.id()), false, started.session().id(),
                    started.session().clientId(), started.refreshToken(), started.session().expiresAt());
        });
    }

    /**
     * The conflict, checked again in the merge's transaction: its minutes-old token must still
     * lead where a sign-in would go now. The identity is the user's and may sign in; or it moved
     * teams and moves now; or the e-mail rule named the user and it joins them (the user has no
     * identity of that provider meanwhile). Anything else refuses the token, and nothing changes.
     */
    private void identityStillLeadsTo(SessionLifecycle.Transaction tx, Conflict conflict, UserRow user,
                                      SignInContext context, Instant now) {
        final IdentityDao identities = new IdentityDao(tx.handle());
        final Optional<IdentityRow> identity = identities.find(conflict.provider(), conflict.subject());
        if (identity.isPresent()) {
            if (!identity.get().userId().equals(user.id()) || identity.get().signInDisabledAt() != null) {
                throw stale();
            }
            return;
        }
        if (conflict.transferSub() != null) {
            final Optional<UUID> moved = identities.moveTransferred(conflict.transferSub(), conflict.subject(),
                    conflict.email(), conflict.emailVerified(), conflict.privateEmail(), now);
            if (moved.isEmpty() || !moved.get().equals(user.id())) {
                throw stale();
            }
            tx.audit(Audit.Event.APPLE_SUBJECT_TRANSFERRED, user.id(), null, null, context.ipAddress(),
                    Map.of("by", "merge"));
            tx.profileChanged(user.id());
            return;
        }
        if (!conflict.byEmail() || identities.findByUser(user.id()).stream()
                .anyMatch(other -> other.provider().equals(conflict.provider()))) {
            throw stale();
        }
        identities.insert(new IdentityRow(ids.next(), user.id(), conflict.provider(), conflict.subject(),
                conflict.email(), conflict.emailVerified(), conflict.privateEmail(), now, now));
        tx.audit(Audit.Event.IDENTITY_LINKED, user.id(), user.id(), null, context.ipAddress(),
                Map.of("provider", conflict.provider(), "byEmail", true));
        tx.profileChanged(user.id());
    }

    private static ApiException stale() {
        return new ApiException(ErrorCode.INVALID_MERGE_TOKEN,
                "mergeToken: the account or its identity changed since; link again for a fresh one.");
    }

    private static SessionLifecycle.NewSession newSession(UUID userId, String provider, String client,
                                                          SignInContext context) {
        return new SessionLifecycle.NewSession(userId, provider, client, context.platform(), context.deviceName(),
                context.appVersion(), context.ipAddress(), context.userAgent(), context.dpopJkt());
    }
}
