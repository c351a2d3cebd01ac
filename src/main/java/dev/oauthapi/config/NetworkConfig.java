package dev.oauthapi.config;

import io.dropwizard.util.DataSize;
import io.dropwizard.validation.MaxDataSize;
import io.dropwizard.validation.MinDataSize;
import jakarta.validation.constraints.NotNull;

/**
 * The {@code network} block: which peers are proxies whose {@code X-Forwarded-For} we believe, and
 * the largest request body we read.
 */
public record NetworkConfig(
        @NotNull CommaSeparated trustedProxies,
        @NotNull @MinDataSize(1024) @MaxDataSize(16 * 1024 * 1024) DataSize maxRequestBodySize) {
}
