package dev.oauthapi.db;

import java.time.Instant;
import java.util.UUID;

/** One row of {@code audit_log}; {@code details} is its JSON object as text. */
public record AuditRow(long id, Instant occurredAt, String event, UUID userId, UUID actorId, UUID sessionId,
                       String ipAddress, String requestId, String details) {
}
