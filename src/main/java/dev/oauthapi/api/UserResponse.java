package dev.oauthapi.api;

import dev.oauthapi.users.LinkedIdentity;
import dev.oauthapi.users.UserProfile;

import java.util.List;

/** The contract's {@code User}. */
public record UserResponse(String id, String email, boolean emailVerified, String name, String avatarUrl,
                           String role, String createdAt, List<IdentityResponse> identities) {

    public record IdentityResponse(String provider, String email, boolean isPrivateEmail, String linkedAt) {
        static IdentityResponse of(LinkedIdentity identity) {
            return new IdentityResponse(identity.provider(), identity.email(), identity.isPrivateEmail(),
                    WireTime.format(identity.linkedAt()));
        }
    }

    public static UserResponse of(UserProfile user) {
        return new UserResponse(user.id().toString(), user.email(), user.emailVerified(), user.name(),
                user.avatarUrl(), user.role(), WireTime.format(user.createdAt()),
                user.identities().stream().map(IdentityResponse::of).toList());
    }

    @Override
    public String toString() {
        return "UserResponse[" + id + "]";
    }
}
