package dev.oauthapi.config;

import jakarta.validation.constraints.Min;

/**
 * The {@code rateLimits} block: requests a minute per client IP on the unauthenticated auth
 * endpoints (nonce, sign-in, refresh), and per user on the protected ones.
 */
public record RateLimitsConfig(
        @Min(1) int authPerMinute,
        @Min(1) int apiPerMinute) {
}
