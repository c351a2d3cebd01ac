package dev.oauthapi.db;

import java.time.Instant;
import java.util.UUID;

/** A row of {@code users}. */
public record UserRow(UUID id, String email, boolean emailVerified, String name, String avatarUrl,
                      String role, Instant disabledAt, Instant createdAt, Instant updatedAt) {

    public boolean isDisabled() {
        return disabledAt != null;
    }

    @Override
    public String toString() {
        return "UserRow[" + id + "]"; // no e-mail address in logs
    }
}
