package dev.oauthapi.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code PATCH /api/profile/passkeys/{id}}: the passkey's label in our lists. */
public record PasskeyNameRequest(@NotBlank @Size(max = 100) String name) {
}
