package dev.oauthapi.config;

import jakarta.validation.constraints.NotNull;

/**
 * The {@code oauth} block: the standard OAuth endpoints' clients beyond the ones the service knows
 * already (the providers' client ids and the web clients).
 *
 * @param clientIds extra public client ids ({@code OAUTH_CLIENT_IDS})
 */
public record OAuthConfig(@NotNull CommaSeparated clientIds) {
}
