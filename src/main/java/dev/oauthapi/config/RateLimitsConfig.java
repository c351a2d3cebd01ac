package dev.oauthapi.config;

import jakarta.validation.constraints.Min;

/**
 * The {@code rateLimits} block: requests a minute per client IP on the unauthenticated auth
 * endpoints (nonce, sign-in, refresh), per user on the protected ones, and per sending address on
 * the provider event endpoints (a bucket of their own: a flood of events cannot lock out sign-in),
 * and per client IP on app attestation (its own bucket: each attempt costs signature checks, and
 * Play Integrity's decode spends a daily quota Google gives each app).
 */
public record RateLimitsConfig(
        @Min(1) int authPerMinute,
        @Min(1) int apiPerMinute,
        @Min(1) int eventsPerMinute,
        @Min(1) int appCheckPerMinute) {
}
