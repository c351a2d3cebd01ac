package dev.oauthapi.api;

import com.fasterxml.jackson.annotation.JsonRawValue;

import java.util.List;

/**
 * The contract's {@code AuditEvent}. {@code details} is the stored JSON object as it is: written by
 * us, never holding a token or a full e-mail address.
 */
public record AuditEventResponse(String id, String action, String userId, String actorId, String sessionId,
                                 String ipAddress, String requestId, @JsonRawValue String details, String createdAt) {

    /** {@code GET /api/admin/audit}. */
    public record AuditEventsResponse(List<AuditEventResponse> events, String nextCursor) {
    }
}
