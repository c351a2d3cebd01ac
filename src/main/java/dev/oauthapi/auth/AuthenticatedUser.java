package dev.oauthapi.auth;

import dev.oauthapi.redis.RateLimitCounters;

import java.security.Principal;
import java.util.UUID;

/**
 * Who a request is from, as its access token says: ids only, and the request's count in the
 * user's rate window when the session check counted it in the same Redis round trip (null when it
 * did not: the rate limiter then counts it itself).
 */
public record AuthenticatedUser(UUID userId, UUID sessionId, String role, RateLimitCounters.Count counted)
        implements Principal {
    public AuthenticatedUser(UUID userId, UUID sessionId, String role) {
        this(userId, sessionId, role, null);
    }

    /** The per-user rate counter's name; the session check counts into it. */
    public static String rateCounter(UUID userId) {
        return "user:" + userId;
    }

    @Override
    public String getName() {
        return userId.toString();
    }
}
