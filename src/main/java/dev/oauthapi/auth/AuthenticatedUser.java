package dev.oauthapi.auth;

import dev.oauthapi.redis.RateLimitCounters;
import dev.oauthapi.redis.UserSlot;

import java.security.Principal;
import java.util.UUID;

/**
 * Who a request is from, as its access token says: ids only. With them, what the session check
 * learnt in its one Redis round trip: the request's count in the user's rate window, and the
 * user's version, which tells whether a cached profile is current (both null when Redis did not
 * answer: the rate limiter then counts the request itself, and no cached profile is trusted).
 */
public record AuthenticatedUser(UUID userId, UUID sessionId, String role, RateLimitCounters.Count counted,
                                String userVersion) implements Principal {
    public AuthenticatedUser(UUID userId, UUID sessionId, String role) {
        this(userId, sessionId, role, null, null);
    }

    /** The per-user rate counter's name; the session check counts into it, in the user's slot. */
    public static String rateCounter(UUID userId) {
        return "user:" + UserSlot.tag(userId);
    }

    @Override
    public String getName() {
        return userId.toString();
    }
}
