package dev.oauthapi.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

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
        Duration reuseGrace) {

    @JsonIgnore
    @AssertTrue(message = "SESSION_MAX_LIFETIME must not be shorter than REFRESH_TOKEN_TTL")
    public boolean isMaxLifetimeAtLeastIdleLifetime() {
        return refreshTokenTtl == null || maxLifetime == null
                || maxLifetime.toJavaDuration().compareTo(refreshTokenTtl.toJavaDuration()) >= 0;
    }
}
