package dev.oauthapi.config;

import jakarta.validation.constraints.NotNull;

/**
 * The {@code migration} block: who {@code db migrate} connects as. The schema's owner changes
 * tables; the service itself runs as a role that may only read and write rows, so that a flaw in
 * it cannot drop or alter a table. Empty: the {@code database} block's user, as before.
 */
public record MigrationConfig(@NotNull String username, @NotNull Secret password) {
}
