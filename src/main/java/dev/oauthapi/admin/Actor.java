package dev.oauthapi.admin;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.tokens.Roles;

import java.util.Map;
import java.util.UUID;

/**
 * Who changes an account: a signed-in user (the account's owner, or an admin) with their role as of
 * this request, or an operator at the command line. The command line may do what the admin API
 * allows a superadmin, and more: it has no account of its own to protect, so it may set anyone's
 * role (it is how the first superadmin is made).
 *
 * @param id     the signed-in user; null for the command line
 * @param osUser the operator's OS user at the command line; null otherwise
 */
public record Actor(UUID id, String role, String osUser) {
    public static Actor signedIn(UUID id, String role) {
        return new Actor(id, role, null);
    }

    public static Actor commandLine() {
        return new Actor(null, Roles.SUPERADMIN, String.valueOf(System.getProperty("user.name")));
    }

    /** Whether this is the user themselves. */
    public boolean is(UUID userId) {
        return userId.equals(id);
    }

    public boolean isSuperadmin() {
        return Roles.SUPERADMIN.equals(role);
    }

    /**
     * Refuses an {@code admin} acting on a superadmin's account ({@code what}: disable, enable,
     * delete, sign out): a superadmin is managed by superadmins only, so an admin cannot undo
     * what they did or keep signing them out.
     */
    public void requireMayManage(UUID targetId, String targetRole, String what) {
        if (!is(targetId) && Roles.SUPERADMIN.equals(targetRole) && !isSuperadmin()) {
            throw new ApiException(ErrorCode.FORBIDDEN, "An admin cannot " + what + " a superadmin.");
        }
    }

    /** What an audit row says of a command-line actor, who has no id: the OS user. */
    Map<String, String> auditDetails() {
        return osUser == null ? Map.of() : Map.of("by", "command line", "osUser", osUser);
    }
}
