package dev.oauthapi.db;

import java.time.Instant;
import java.util.UUID;

/** A committed-to-be refresh rotation: the session, its user and role, and its new idle expiry. */
public record Rotation(UUID sessionId, UUID userId, String clientId, String role, Instant expiresAt) {
}
