package dev.oauthapi.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code POST /api/auth/exchange}: the one-time code of the redirect, and the app's PKCE verifier. */
public record ExchangeRequest(
        @NotBlank @Size(max = 128) String code,
        @NotBlank @Size(max = 128) String codeVerifier,
        @Valid DeviceRequest device) {

    @Override
    public String toString() {
        return "ExchangeRequest[code=[REDACTED], codeVerifier=[REDACTED]]";
    }
}
