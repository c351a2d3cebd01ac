package dev.oauthapi.api;

import jakarta.validation.constraints.Pattern;

/** {@code POST /api/auth/logout}: which sessions to end; {@code current} when left out. */
public record LogoutRequest(
        @Pattern(regexp = "current|others|all", message = "must be current, others or all") String scope) {
}
