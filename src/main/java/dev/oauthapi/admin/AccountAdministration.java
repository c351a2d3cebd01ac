package dev.oauthapi.admin;

import dev.oauthapi.db.AppAttestKeyDao;

import dev.oauthapi.db.UserDao;
import dev.oauthapi.db.UserRow;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.sessions.Audit;
import dev.oauthapi.sessions.SessionLifecycle;
import dev.oauthapi.tokens.Roles;
import dev.oauthapi.users.AccountDeletion;
import dev.oauthapi.users.Profiles;
import dev.oauthapi.users.UserProfile;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Who may change an account's role, disable or enable it, or delete it, for the admin API and the
 * command line; each change one transaction through the same unit of work as the users' own. An
 * admin manages users and admins; a superadmin also superadmins and roles. Nobody changes their
 * own role or disables their own account, and the last active superadmin keeps the role, stays
 * enabled and is not deleted ({@code 409 last_superadmin}): without one, nobody could change roles
 * through the API again.
 */
public final class AccountAdministration {
    private final Jdbi jdbi;
    private final SessionLifecycle lifecycle;
    private final AccountDeletion deletion;
    private final Clock clock;

    public AccountAdministration(Jdbi jdbi, SessionLifecycle lifecycle, AccountDeletion deletion, Clock clock) {
        this.jdbi = jdbi;
        this.lifecycle = lifecycle;
        this.deletion = deletion;
        this.clock = clock;
    }

    /**
     * Changes an account's role, its disabled state, or both ({@code null} leaves either as it is).
     * A role change takes effect on the user's next request on every instance, whatever their
     * access tokens claim. Disabling ends every session of the user at once and refuses sign-in and
     * refresh until enabled again (the ended sessions stay ended). A change to what the account
     * already is, is none, and is not audited.
     */
    public UserProfile update(UUID userId, Actor actor, String role, Boolean disabled, String ipAddress) {
        if (role != null && !Roles.ALL.contains(role)) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "role: must be one of " + String.join(", ", Roles.ALL) + ".");
        }
        return lifecycle.inTransaction(tx -> {
            final Locked locked = lockForChange(tx.handle(), userId, actor);
            final Actor current = locked.actor();
            UserRow user = locked.target();
            if (role != null && !role.equals(user.role())) {
                changeRole(tx, user, role, current, ipAddress);
                user = withRole(user, role);
            }
            if (disabled != null && disabled != user.isDisabled()) {
                if (disabled) {
                    disable(tx, user, current, ipAddress);
                } else {
                    enable(tx, user, current, ipAddress);
                }
            }
            return Profiles.read(tx.handle(), userId);
        });
    }

    /** The owner's deletion ({@link AccountDeletion}), by an admin or the command line. */
    public void delete(UUID userId, Actor actor, String ipAddress) {
        lifecycle.inTransaction(tx -> {
            final Locked locked = lockForChange(tx.handle(), userId, actor);
            locked.actor().requireMayManage(userId, locked.target().role(), "delete");
            requireNotLastSuperadmin(tx.handle(), locked.target());
            deletion.delete(tx, userId, actor.id(), actor.auditDetails(), ipAddress);
            return null;
        });
    }

    /**
     * Revokes an App Attest device key (a stolen or abused one): its later assertions are refused;
     * app tokens it already got live out their short lifetime. Audited with the actor.
     */
    public void revokeAppAttestKey(Actor actor, byte[] keyId, String ipAddress) {
        lifecycle.inTransaction(tx -> {
            if (!new AppAttestKeyDao(tx.handle()).revoke(keyId, clock.instant())) {
                throw new ApiException(ErrorCode.NOT_FOUND, "No such live App Attest key.");
            }
            tx.audit(Audit.Event.APP_ATTEST_KEY_REVOKED, null, actor.id(), null, ipAddress, Map.of("keyId",
                    Base64.getUrlEncoder().withoutPadding().encodeToString(keyId)));
            return null;
        });
    }

    /** The one user with this e-mail address (the command line's {@code --email}); none or several is a refusal. */
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

    /** A superadmin's decision, never on their own account; the profile shows the role. */
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
        tx.profileChanged(user.id());
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

    private void enable(SessionLifecycle.Transaction tx, UserRow user, Actor actor, String ipAddress) {
        actor.requireMayManage(user.id(), user.role(), "enable");
        new UserDao(tx.handle()).enable(user.id(), clock.instant());
        tx.audit(Audit.Event.ACCOUNT_ENABLED, user.id(), actor.id(), null, ipAddress, actor.auditDetails());
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
                ? Profiles.userGone() : new ApiException(ErrorCode.NOT_FOUND, "There is no such user."));
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
                user.disabledAt(), user.createdAt(), user.updatedAt(), user.anonymous());
    }

    private static Map<String, Object> with(Map<String, ?> first, Map<String, ?> second) {
        final Map<String, Object> both = new LinkedHashMap<>(first);
        both.putAll(second);
        return both;
    }

    private static ApiException forbidden(String detail) {
        return new ApiException(ErrorCode.FORBIDDEN, detail);
    }
}
