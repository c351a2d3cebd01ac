package dev.oauthapi.users;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A user with the identities linked to it. */
public record UserProfile(UUID id, String email, boolean emailVerified, String name, String avatarUrl, String role,
                          Instant createdAt, List<LinkedIdentity> identities) {

    @Override
    public String toString() {
        return "UserProfile[" + id + "]"; // no e-mail address in logs
    }
}
