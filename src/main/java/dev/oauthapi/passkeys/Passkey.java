package dev.oauthapi.passkeys;

import java.time.Instant;
import java.util.UUID;

/** A passkey as its owner sees it; {@code authenticator} is its maker's name, when known. */
public record Passkey(UUID id, String name, Instant createdAt, Instant lastUsedAt, boolean backedUp,
                      String authenticator) {
}
