package dev.oauthapi.api;

import java.util.List;

/** The contract's {@code User}. */
public record UserResponse(String id, String email, boolean emailVerified, String name, String avatarUrl,
                           String role, String createdAt, List<IdentityResponse> identities, int passkeys,
                           boolean isAnonymous) {

    public record IdentityResponse(String provider, String email, boolean isPrivateEmail, String linkedAt) {
    }

    @Override
    public String toString() {
        return "UserResponse[" + id + "]";
    }
}
