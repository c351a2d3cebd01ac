package dev.oauthapi.tokens;

import java.util.List;

/**
 * The roles a user may have, lowest first; {@code user} is every new account's. Here, with the
 * access tokens that carry them, so that every package that reads a role (the token's claim, the
 * cached session answer, the account, the admin API) knows one list. Strings, not an enum:
 * {@code @RolesAllowed} takes constants.
 */
public final class Roles {
    public static final String USER = "user";
    public static final String ADMIN = "admin";
    public static final String SUPERADMIN = "superadmin";
    public static final List<String> ALL = List.of(USER, ADMIN, SUPERADMIN);

    private Roles() {
    }

    /** Whether the role may use the admin API. */
    public static boolean isAdmin(String role) {
        return ADMIN.equals(role) || SUPERADMIN.equals(role);
    }
}
