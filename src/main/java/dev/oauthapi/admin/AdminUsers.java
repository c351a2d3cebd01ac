package dev.oauthapi.admin;

import dev.oauthapi.db.IdentityDao;
import dev.oauthapi.db.IdentityRow;
import dev.oauthapi.db.UserDao;
import dev.oauthapi.db.UserOverviewRow;
import dev.oauthapi.db.UserWithIdentities;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.passkeys.Passkey;
import dev.oauthapi.passkeys.Passkeys;
import dev.oauthapi.sessions.Sessions;
import dev.oauthapi.users.UserProfile;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What the admin API does to users: finding them, and changing, deleting and signing them out
 * through the same code as everything else ({@link AccountAdministration}, {@link Sessions}), so that an admin
 * action ends sessions, revokes provider tokens and writes its audit row exactly as the user's own
 * would, with the admin as the actor.
 */
public final class AdminUsers {
    private final Jdbi jdbi;
    private final AccountAdministration accounts;
    private final Sessions sessions;
    private final PageCursors cursors;
    private final Passkeys passkeys;
    private final Clock clock;

    public AdminUsers(Jdbi jdbi, AccountAdministration accounts, Sessions sessions, PageCursors cursors,
                      Passkeys passkeys, Clock clock) {
        this.jdbi = jdbi;
        this.accounts = accounts;
        this.sessions = sessions;
        this.cursors = cursors;
        this.passkeys = passkeys;
        this.clock = clock;
    }

    /** A user as an admin sees it: the profile, and the state of the account. */
    public record Account(UserProfile profile, Instant disabledAt, Instant lastSignInAt, int liveSessions,
                          List<Passkey> passkeys) {
        public Account {
            passkeys = List.copyOf(passkeys);
        }
    }

    /**
     * What the list is narrowed to; null narrows nothing.
     *
     * @param query the start of an e-mail address or a name, ignoring case
     */
    public record Filter(String query, String role, String provider, Boolean disabled, Boolean anonymous) {
    }

    /** A page of users, newest first: two statements (the users, then their identities). */
    public Page<Account> search(Filter filter, String cursor, int limit) {
        final PageCursors.UserPosition after = cursors.users(cursor);
        return jdbi.withHandle(handle -> {
            final List<UserOverviewRow> rows = new UserDao(handle).page(
                    new UserDao.Filter(filter.query(), filter.role(), filter.provider(), filter.disabled(),
                            filter.anonymous()),
                    after == null ? null : after.createdAt(), after == null ? null : after.id(), limit + 1,
                    clock.instant());
            final List<UserOverviewRow> shown = rows.subList(0, Math.min(limit, rows.size()));
            final List<Account> accounts = withIdentities(handle, shown);
            final UserOverviewRow last = shown.isEmpty() ? null : shown.getLast();
            return new Page<>(accounts, rows.size() > limit
                    ? cursors.after(new PageCursors.UserPosition(last.user().createdAt(), last.user().id())) : null);
        });
    }

    public Account find(UUID userId) {
        return jdbi.withHandle(handle -> new UserDao(handle).overview(userId, clock.instant())
                .map(row -> withIdentities(handle, List.of(row)).getFirst())
                .orElseThrow(AdminUsers::noSuchUser));
    }

    /** {@code PATCH /api/admin/users/{id}}: see {@link AccountAdministration#update}. */
    public Account update(Actor actor, UUID userId, String role, Boolean disabled, String ipAddress) {
        accounts.update(userId, actor, role, disabled, ipAddress);
        return find(userId);
    }

    /** Exactly the user's own deletion, with the admin as the actor: see {@link AccountAdministration#delete}. */
    public void delete(Actor actor, UUID userId, String ipAddress) {
        accounts.delete(userId, actor, ipAddress);
    }

    /** The user's sessions that can still be used, newest first. */
    public List<Sessions.DeviceSession> sessions(UUID userId) {
        find(userId);
        return sessions.live(userId);
    }

    /** Ends every session of the user; an admin cannot sign a superadmin out. */
    public void endSessions(Actor actor, UUID userId, String ipAddress) {
        requireMaySignOut(actor, userId);
        sessions.revokeAll(userId, actor.id(), ipAddress);
    }

    public void endSession(Actor actor, UUID userId, UUID sessionId, String ipAddress) {
        requireMaySignOut(actor, userId);
        sessions.revoke(userId, sessionId, actor.id(), ipAddress);
    }

    /** Deletes a passkey of the user, as the user would ({@link Passkeys#delete}), with the admin as the actor. */
    public void deletePasskey(Actor actor, UUID userId, UUID passkeyId, String ipAddress) {
        actor.requireMayManage(userId, find(userId).profile().role(), "delete a passkey of");
        passkeys.delete(userId, passkeyId, actor.id(), ipAddress);
    }

    public void revokeAppAttestKey(Actor actor, byte[] keyId, String ipAddress) {
        accounts.revokeAppAttestKey(actor, keyId, ipAddress);
    }

    /** Read before the change rather than under its lock: a role gained meanwhile costs at worst one sign-out. */
    private void requireMaySignOut(Actor actor, UUID userId) {
        actor.requireMayManage(userId, find(userId).profile().role(), "sign out");
    }

    private List<Account> withIdentities(Handle handle, List<UserOverviewRow> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        final Map<UUID, List<IdentityRow>> identities = new IdentityDao(handle)
                .findByUsers(rows.stream().map(row -> row.user().id()).toList()).stream()
                .collect(Collectors.groupingBy(IdentityRow::userId));
        final Map<UUID, List<Passkey>> passkeysOf = passkeys.ofUsers(rows.stream()
                .filter(row -> row.passkeys() > 0).map(row -> row.user().id()).toList());
        return rows.stream()
                .map(row -> new Account(
                        UserProfile.of(new UserWithIdentities(row.user(), identities.getOrDefault(row.user().id(), List.of()),
                                row.passkeys())),
                        row.user().disabledAt(), row.lastSignInAt(), row.liveSessions(),
                        row.passkeys() == 0 ? List.of() : passkeysOf.getOrDefault(row.user().id(), List.of())))
                .toList();
    }

    private static ApiException noSuchUser() {
        return new ApiException(ErrorCode.NOT_FOUND, "There is no such user.");
    }
}
