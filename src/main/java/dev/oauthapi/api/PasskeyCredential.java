package dev.oauthapi.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * WebAuthn's {@code RegistrationResponseJSON} and {@code AuthenticationResponseJSON}, as lenient as
 * real clients need: binary members in base64url with or without padding or in standard base64
 * (iOS apps build this JSON by hand), the Level 3 convenience members ({@code publicKey},
 * {@code publicKeyAlgorithm}, ...) never required and never read: everything checked comes from
 * {@code clientDataJSON}, {@code attestationObject} and {@code authenticatorData}.
 */
public record PasskeyCredential(
        @Size(max = 1400) String id,
        @NotBlank @Size(max = 1400) String rawId,
        @Size(max = 32) String type,
        @NotNull @Valid Response response) {

    /** The authenticator's response: a registration's or an assertion's members. */
    public record Response(
            @NotBlank @Size(max = 4096) String clientDataJSON,
            @Size(max = 16384) String attestationObject,
            @Size(max = 8) List<@Size(max = 32) String> transports,
            @Size(max = 4096) String authenticatorData,
            @Size(max = 2048) String signature,
            @Size(max = 128) String userHandle) {
    }

    /** {@code POST /api/auth/passkeys/registration}. */
    public record Registration(@NotNull @Valid PasskeyCredential credential, @Size(min = 1, max = 100) String name) {
    }

    /** {@code POST /api/auth/passkey}. */
    public record SignIn(@NotNull @Valid PasskeyCredential credential, @Size(min = 1, max = 255) String clientId,
                         @Valid DeviceRequest device) {
    }
}
