package dev.oauthapi.config;

import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.util.concurrent.TimeUnit;

/**
 * The {@code redis} block. Every wait is bounded so that a dead or slow Redis is noticed in
 * seconds: {@code maxWait} for a pooled connection, {@code connectTimeout} to open one,
 * {@code socketTimeout} for a reply.
 */
public record RedisConfig(
        @NotBlank String host,
        @Min(1) @Max(65535) int port,
        @NotNull Secret password,
        @Min(0) @Max(15) int database,
        @Min(1) @Max(512) int poolSize,
        @NotNull @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS) @MaxDuration(value = 30, unit = TimeUnit.SECONDS)
        Duration connectTimeout,
        @NotNull @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS) @MaxDuration(value = 30, unit = TimeUnit.SECONDS)
        Duration socketTimeout,
        @NotNull @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS) @MaxDuration(value = 30, unit = TimeUnit.SECONDS)
        Duration maxWait) {
}
