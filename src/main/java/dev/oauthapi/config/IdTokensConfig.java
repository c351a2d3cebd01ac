package dev.oauthapi.config;

import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.NotNull;

import java.util.concurrent.TimeUnit;

/**
 * The {@code idTokens} block: rules for the Google and Apple tokens apps sign in with.
 * {@code maxAge} bounds how long after it was issued a token is still taken, however late its
 * {@code exp} (Apple's live a day); {@code replayProtection} accepts each token only once.
 */
public record IdTokensConfig(
        @NotNull @MinDuration(value = 1, unit = TimeUnit.MINUTES) @MaxDuration(value = 1, unit = TimeUnit.DAYS)
        Duration maxAge,
        boolean replayProtection) {
}
