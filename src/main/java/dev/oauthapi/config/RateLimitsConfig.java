package dev.oauthapi.config;

import jakarta.validation.constraints.Min;

/**
 * The {@code rateLimits} block: requests a minute per client IP on the unauthenticated auth
 * endpoints (nonce, sign-in, refresh), per user on the protected ones, and per sending address on
 * the provider event endpoints (a bucket of their own: a flood of events cannot lock out sign-in),
 * per client IP on app attestation (its own bucket: each attempt costs signature checks, and
 * Play Integrity's decode spends a daily quota Google gives each app), and per client IP an hour
 * on guest sign-up (the endpoint abuse loves most: every call makes an account).
 */
public record RateLimitsConfig(
        @Min(1) int authPerMinute,
        @Min(1) int apiPerMinute,
        @Min(1) int eventsPerMinute,
        @Min(1) int appCheckPerMinute,
        @Min(1) int anonymousPerHour) {
}
