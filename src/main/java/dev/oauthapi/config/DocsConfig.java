package dev.oauthapi.config;

/** The {@code docs} block: Swagger UI at {@code /docs}, off unless enabled. */
public record DocsConfig(boolean enabled) {
}
