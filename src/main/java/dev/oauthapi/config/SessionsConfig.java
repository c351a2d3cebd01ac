package dev.oauthapi.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.util.concurrent.TimeUnit;

/**
 * The {@code sessions} block: how long a signed-in app stays signed in. {@code refreshTokenTtl} is
 * the idle lifetime (renewed by each refresh), {@code maxLifetime} the absolute one, and
 * {@code reuseGrace} how long the predecessor of the current refresh token still answers with the
 * current one, so that concurrent or retried refreshes never sign the user out.
 */
public record SessionsConfig(
        @NotNull @MinDuration(value = 1, unit = TimeUnit.MINUTES) Duration refreshTokenTtl,
        @NotNull @MinDuration(value = 1, unit = TimeUnit.MINUTES) Duration maxLifetime,
        @NotNull @MinDuration(value = 0, unit = TimeUnit.SECONDS) @MaxDuration(value = 5, unit = TimeUnit.MINUTES)
        Duration reuseGrace,
        @NotNull @Pattern(regexp = "v1|v2", message = "REFRESH_TOKEN_FORMAT must be v1 or v2") String refreshTokenFormat) {

    /**
     * {@code v1}: refresh tokens of the kind older releases read (43 characters, found by their hash in
     * {@code refresh_tokens}), while such a release serves beside this one in a rolling upgrade (see the README).
     */
    @JsonIgnore
    public boolean issuesLegacyRefreshTokens() {
        return "v1".equals(refreshTokenFormat);
    }

    @JsonIgnore
    @AssertTrue(message = "SESSION_MAX_LIFETIME must not be shorter than REFRESH_TOKEN_TTL")
    public boolean isMaxLifetimeAtLeastIdleLifetime() {
        return refreshTokenTtl == null || maxLifetime == null
                || maxLifetime.toJavaDuration().compareTo(refreshTokenTtl.toJavaDuration()) >= 0;
    }
}
