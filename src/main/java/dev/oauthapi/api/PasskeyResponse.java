package dev.oauthapi.api;

/** The contract's {@code Passkey}; {@code authenticator} is its maker's name, when the AAGUID is known. */
public record PasskeyResponse(String id, String name, String createdAt, String lastUsedAt, boolean backedUp,
                              String authenticator) {
}
