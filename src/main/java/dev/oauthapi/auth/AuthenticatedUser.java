package dev.oauthapi.auth;

import java.security.Principal;
import java.util.UUID;

/** Who a request is from, as its access token says: ids only. */
public record AuthenticatedUser(UUID userId, UUID sessionId, String role) implements Principal {
    @Override
    public String getName() {
        return userId.toString();
    }
}
