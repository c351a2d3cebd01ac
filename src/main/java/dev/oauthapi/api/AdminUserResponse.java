package dev.oauthapi.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.util.List;

/** The contract's {@code AdminUser}: every member of {@code User}, and the state of the account. */
public record AdminUserResponse(@JsonUnwrapped UserResponse user, String disabledAt, String lastSignInAt,
                                int liveSessions, List<PasskeyResponse> passkeys) {

    /** {@code GET /api/admin/users}. */
    public record AdminUsersResponse(List<AdminUserResponse> users, String nextCursor) {
    }
}
