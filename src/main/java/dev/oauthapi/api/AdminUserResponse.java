package dev.oauthapi.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.oauthapi.admin.AdminUsers;

import java.util.List;

/** The contract's {@code AdminUser}: every member of {@code User}, and the state of the account. */
public record AdminUserResponse(@JsonUnwrapped UserResponse user, String disabledAt, String lastSignInAt,
                                int liveSessions) {

    public static AdminUserResponse of(AdminUsers.Account account) {
        return new AdminUserResponse(UserResponse.of(account.profile()), WireTime.format(account.disabledAt()),
                WireTime.format(account.lastSignInAt()), account.liveSessions());
    }

    /** {@code GET /api/admin/users}. */
    public record AdminUsersResponse(List<AdminUserResponse> users, String nextCursor) {
    }
}
