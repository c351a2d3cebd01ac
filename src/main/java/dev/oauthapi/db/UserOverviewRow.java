package dev.oauthapi.db;

import java.time.Instant;

/** A user with its last sign-in (null if it never signed in) and how many of its sessions are live. */
public record UserOverviewRow(UserRow user, Instant lastSignInAt, int liveSessions, int passkeys) {
    @Override
    public String toString() {
        return "UserOverviewRow[" + user.id() + "]";
    }
}
