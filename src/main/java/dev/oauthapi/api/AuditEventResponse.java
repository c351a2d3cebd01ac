package dev.oauthapi.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.oauthapi.db.AuditRow;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The contract's {@code AuditEvent}. {@code details} is the stored JSON object as it is: written by
 * us, never holding a token or a full e-mail address.
 */
public record AuditEventResponse(String id, String action, String userId, String actorId, String sessionId,
                                 String ipAddress, String requestId, @JsonRawValue String details, String createdAt) {

    public static AuditEventResponse of(AuditRow row) {
        return new AuditEventResponse(Long.toString(row.id()), row.event(), text(row.userId()), text(row.actorId()),
                text(row.sessionId()), row.ipAddress(), row.requestId(), row.details(), WireTime.format(row.occurredAt()));
    }

    private static String text(UUID id) {
        return Objects.toString(id, null);
    }

    /** {@code GET /api/admin/audit}. */
    public record AuditEventsResponse(List<AuditEventResponse> events, String nextCursor) {
    }
}
