package dev.oauthapi.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.constraints.NotNull;

import java.net.URI;

/**
 * The {@code google} block. No client ids means Google sign-in is off. {@code riscJwksUrl} serves
 * the keys of Google's Cross-Account Protection security events.
 */
public record GoogleConfig(
        @NotNull CommaSeparated clientIds,
        @NotNull URI jwksUrl,
        @NotNull URI riscJwksUrl) {

    @JsonIgnore
    public boolean isEnabled() {
        return !clientIds.isEmpty();
    }
}
