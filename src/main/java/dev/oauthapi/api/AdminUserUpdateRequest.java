package dev.oauthapi.api;

import jakarta.validation.constraints.Pattern;

/** {@code PATCH /api/admin/users/{id}}: members left out stay as they are. */
public record AdminUserUpdateRequest(
        @Pattern(regexp = "user|admin|superadmin", message = "must be one of user, admin, superadmin") String role,
        Boolean disabled) {
}
