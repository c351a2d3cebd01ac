package dev.oauthapi.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code POST /api/auth/google} and {@code /api/auth/link/google}. */
public record GoogleSignInRequest(
        @NotBlank String idToken,
        @Size(max = 256) String nonce,
        @Valid DeviceRequest device) {

    @Override
    public String toString() {
        return "GoogleSignInRequest[idToken=[REDACTED], device=" + device + "]";
    }
}
