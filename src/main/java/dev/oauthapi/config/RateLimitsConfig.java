package dev.oauthapi.config;

import jakarta.validation.constraints.Min;

/**
 * The {@code rateLimits} block: requests a minute per client IP on the unauthenticated auth
 * endpoints (nonce, sign-in, refresh), per user on the protected ones, and per sending address on
 * the provider event endpoints (a bucket of their own: a flood of events cannot lock out sign-in).
 */
public record RateLimitsConfig(
        @Min(1) int authPerMinute,
        @Min(1) int apiPerMinute,
        @Min(1) int eventsPerMinute) {
}
