package dev.oauthapi.admin;

import java.time.Instant;
import java.util.UUID;

/** One event of the audit log as the admin API shows it; {@code details} is its JSON object as text. */
public record AuditEvent(long id, Instant occurredAt, String action, UUID userId, UUID actorId, UUID sessionId,
                         String ipAddress, String requestId, String details) {
}
