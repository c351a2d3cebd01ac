package dev.oauthapi.config;

import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.util.concurrent.TimeUnit;

/** The {@code tokens} block: our own access tokens (RFC 9068) and the keys that sign them. */
public record TokensConfig(
        @NotBlank String issuer,
        @NotBlank String audience,
        @NotBlank String keysDir,
        // Short-lived by design (RFC 9700 §2.2.1): revocation is instant anyway, but a leaked token
        // should still die soon. Longer than a day is refused.
        @NotNull @MinDuration(value = 1, unit = TimeUnit.MINUTES) @MaxDuration(value = 1, unit = TimeUnit.DAYS)
        Duration accessTokenTtl,
        // A new key signs only after this long, so every instance and JWKS cache (5 minutes) has it first.
        @NotNull @MaxDuration(value = 7, unit = TimeUnit.DAYS) Duration keyActivationDelay) {
}
