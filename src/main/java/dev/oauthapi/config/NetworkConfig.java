package dev.oauthapi.config;

import io.dropwizard.util.DataSize;
import io.dropwizard.validation.MaxDataSize;
import io.dropwizard.validation.MinDataSize;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import jakarta.validation.constraints.NotNull;

import java.util.concurrent.TimeUnit;

/**
 * The {@code network} block: which peers are proxies whose {@code X-Forwarded-For} we believe, the
 * largest request body we read, and how long a stopping instance keeps serving while it reports
 * itself not ready ({@code drainDelay}), so that load balancers stop sending before it stops
 * listening.
 */
public record NetworkConfig(
        @NotNull CommaSeparated trustedProxies,
        @NotNull @MinDataSize(1024) @MaxDataSize(16 * 1024 * 1024) DataSize maxRequestBodySize,
        @NotNull @MaxDuration(value = 2, unit = TimeUnit.MINUTES) Duration drainDelay) {
}
