package dev.oauthapi.auth;

import java.security.Principal;
import java.util.UUID;

/**
 * Who a request is from: the ids its access token names, the user's role as of now (read by the
 * session check, not taken from the token), and, for a DPoP-bound token, the key the request's
 * proof was checked against (null otherwise). What else the session check learnt about the
 * request travels with the request, not here ({@link BearerToken}).
 */
public record AuthenticatedUser(UUID userId, UUID sessionId, String role, String dpopJkt) implements Principal {
    public AuthenticatedUser(UUID userId, UUID sessionId, String role) {
        this(userId, sessionId, role, null);
    }

    @Override
    public String getName() {
        return userId.toString();
    }
}
