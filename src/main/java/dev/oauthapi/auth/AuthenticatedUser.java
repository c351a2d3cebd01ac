package dev.oauthapi.auth;

import java.security.Principal;
import java.util.UUID;

/**
 * Who a request is from: the ids its access token names, and the user's role as of now (read by
 * the session check, not taken from the token). What else the session check learnt about the
 * request travels with the request, not here ({@link BearerToken}).
 */
public record AuthenticatedUser(UUID userId, UUID sessionId, String role) implements Principal {
    @Override
    public String getName() {
        return userId.toString();
    }
}
