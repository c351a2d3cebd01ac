package dev.oauthapi.config;

import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.util.concurrent.TimeUnit;

/**
 * The {@code redis} block. Every wait is bounded so that a dead or slow Redis is noticed in
 * seconds: {@code maxWait} for a pooled connection, {@code connectTimeout} to open one,
 * {@code socketTimeout} for a reply. {@code mode}: {@code standalone} ({@code host} and
 * {@code port}), {@code sentinel} ({@code nodes} are the sentinels, {@code sentinelMaster} the
 * name they watch) or {@code cluster} ({@code nodes} are seed nodes: any of the cluster's nodes,
 * from which the client learns the rest; database 0, the only one a cluster has).
 *
 * <p>The link: {@code username} and {@code password} (an ACL user; without a username, the
 * {@code default} user), {@code tls} (Jedis's own TLS, the server's name checked against its
 * certificate, trusted through the JDK's CAs or {@code caFile}, a PEM file), and
 * {@code sentinelPassword} for sentinels that require one (the same username, if any).
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
        Duration maxWait,
        @NotNull @Pattern(regexp = "standalone|sentinel|cluster", message = "must be standalone, sentinel or cluster")
        String mode,
        @NotNull CommaSeparated nodes,
        @NotNull String sentinelMaster,
        @NotNull String username,
        boolean tls,
        @NotNull String caFile,
        @NotNull Secret sentinelPassword) {

    /** Standalone without TLS, as the tests and tools connect. */
    public RedisConfig(String host, int port, Secret password, int database, int poolSize, Duration connectTimeout,
                       Duration socketTimeout, Duration maxWait) {
        this(host, port, password, database, poolSize, connectTimeout, socketTimeout, maxWait, "standalone",
                CommaSeparated.parse(""), "", "", false, "", Secret.of(""));
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    @jakarta.validation.constraints.AssertTrue(message = "REDIS_CA_FILE must be a readable PEM file, and goes with REDIS_TLS=true")
    public boolean isCaFileUsable() {
        return caFile == null || caFile.isBlank() || tls && java.nio.file.Files.isReadable(java.nio.file.Path.of(caFile));
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isSentinel() {
        return "sentinel".equals(mode);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    @jakarta.validation.constraints.AssertTrue(message = "REDIS_MODE=sentinel needs REDIS_NODES (the sentinels, host:port) and REDIS_SENTINEL_MASTER")
    public boolean isSentinelComplete() {
        return !isSentinel() || hasNodes() && sentinelMaster != null && !sentinelMaster.isBlank();
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    @jakarta.validation.constraints.AssertTrue(message = "REDIS_MODE=cluster needs REDIS_NODES (seed nodes, host:port) and REDIS_DB=0")
    public boolean isClusterComplete() {
        return !"cluster".equals(mode) || hasNodes() && database == 0;
    }

    private boolean hasNodes() {
        return nodes != null && !nodes.isEmpty() && nodes.values().stream().allMatch(node -> node.matches("[^:\\s]+:\\d{1,5}"));
    }
}
