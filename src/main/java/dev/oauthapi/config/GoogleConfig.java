package dev.oauthapi.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.constraints.NotNull;

import java.net.URI;

/**
 * The {@code google} block. No client ids means Google sign-in is off. {@code riscJwksUrl} serves
 * the keys of Google's Cross-Account Protection security events. {@code requireNonce} refuses ID
 * tokens without a nonce from {@code /api/auth/nonce}.
 */
public record GoogleConfig(
        @NotNull CommaSeparated clientIds,
        @NotNull URI jwksUrl,
        @NotNull URI riscJwksUrl,
        boolean requireNonce) {

    @JsonIgnore
    public boolean isEnabled() {
        return !clientIds.isEmpty();
    }
}
