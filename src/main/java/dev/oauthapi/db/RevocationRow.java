package dev.oauthapi.db;

import java.time.Instant;
import java.util.UUID;

/** A row of {@code provider_revocations}: a provider token still to be revoked. */
public record RevocationRow(long id, String provider, String clientId, byte[] tokenSealed, String tokenKeyId,
                            UUID userId, Instant createdAt, int attempts, Instant nextAttemptAt) {
}
