package dev.oauthapi.users;

import dev.oauthapi.db.UserRow;
import dev.oauthapi.db.UserWithIdentities;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A user with the identities linked to it, how many passkeys it has, and whether it is a guest. */
public record UserProfile(UUID id, String email, boolean emailVerified, String name, String avatarUrl, String role,
                          Instant createdAt, List<LinkedIdentity> identities, int passkeys, boolean anonymous) {

    public static UserProfile of(UserWithIdentities found) {
        final UserRow user = found.user();
        final List<LinkedIdentity> identities = found.identities().stream()
                .map(identity -> new LinkedIdentity(identity.provider(), identity.email(), identity.isPrivateEmail(),
                        identity.linkedAt()))
                .toList();
        return new UserProfile(user.id(), user.email(), user.emailVerified(), user.name(), user.avatarUrl(),
                user.role(), user.createdAt(), identities, found.passkeys(), user.anonymous());
    }

    @Override
    public String toString() {
        return "UserProfile[" + id + "]"; // no e-mail address in logs
    }
}
