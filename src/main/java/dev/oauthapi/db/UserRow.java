package dev.oauthapi.db;

import java.time.Instant;
import java.util.UUID;

/** A row of {@code users}; {@code anonymous}: a guest, with no identity or passkey yet. */
public record UserRow(UUID id, String email, boolean emailVerified, String name, String avatarUrl,
                      String role, Instant disabledAt, Instant createdAt, Instant updatedAt, boolean anonymous) {

    public boolean isDisabled() {
        return disabledAt != null;
    }

    @Override
    public String toString() {
        return "UserRow[" + id + "]"; // no e-mail address in logs
    }
}
