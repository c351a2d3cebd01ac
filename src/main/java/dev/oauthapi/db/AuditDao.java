package dev.oauthapi.db;

import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.UUID;

/** SQL on {@code audit_log}; see {@link UserDao}. */
public final class AuditDao {
    private final Handle handle;

    public AuditDao(Handle handle) {
        this.handle = handle;
    }

    /** {@code details} is a JSON object; it never holds a token or a full e-mail address. */
    public void insert(Instant at, String event, UUID userId, UUID sessionId, String ip, String requestId,
                       String details) {
        handle.createUpdate("""
                        INSERT INTO audit_log (occurred_at, event, user_id, session_id, ip_address, request_id, details)
                        VALUES (:at, :event, CAST(:userId AS uuid), CAST(:sessionId AS uuid), CAST(:ip AS inet),
                                :requestId, CAST(:details AS jsonb))""")
                .bind("at", at).bind("event", event).bindByType("userId", userId, UUID.class)
                .bindByType("sessionId", sessionId, UUID.class).bindByType("ip", ip, String.class)
                .bindByType("requestId", requestId, String.class).bind("details", details)
                .execute();
    }
}
