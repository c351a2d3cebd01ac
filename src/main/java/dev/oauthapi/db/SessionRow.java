package dev.oauthapi.db;

import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code sessions}: one signed-in app on one device. {@code dpopJkt}: the thumbprint of
 * the key it is DPoP-bound to, null when unbound.
 */
public record SessionRow(UUID id, UUID userId, String provider, String clientId, String platform,
                         String deviceName, String appVersion, String ipAddress, String userAgent,
                         Instant createdAt, Instant lastUsedAt, Instant expiresAt, Instant absoluteExpiresAt,
                         Instant revokedAt, String revokedReason, String dpopJkt) {
}
