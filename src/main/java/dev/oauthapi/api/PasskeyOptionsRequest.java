package dev.oauthapi.api;

import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/auth/passkeys/registration/options}: the account name the authenticator shows
 * (not the passkey's label), optional.
 */
public record PasskeyOptionsRequest(@Size(min = 1, max = 64) String name) {
}
