package dev.oauthapi.users;

import java.util.List;

/** The roles a user may have, lowest first; {@code user} is every new account's. */
public final class Roles {
    public static final String USER = "user";
    public static final String ADMIN = "admin";
    public static final String SUPERADMIN = "superadmin";
    public static final List<String> ALL = List.of(USER, ADMIN, SUPERADMIN);

    private Roles() {
    }
}
