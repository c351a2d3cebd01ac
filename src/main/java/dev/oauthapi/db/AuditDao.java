package dev.oauthapi.db;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.UUID;

public interface AuditDao {
    /** {@code details} is a JSON object; it never holds a token or a full e-mail address. */
    @SqlUpdate("""
            INSERT INTO audit_log (occurred_at, event, user_id, session_id, ip_address, request_id, details)
            VALUES (:at, :event, CAST(:userId AS uuid), CAST(:sessionId AS uuid), CAST(:ip AS inet), :requestId, CAST(:details AS jsonb))""")
    void insert(@Bind("at") Instant at, @Bind("event") String event, @Bind("userId") UUID userId,
                @Bind("sessionId") UUID sessionId, @Bind("ip") String ip, @Bind("requestId") String requestId,
                @Bind("details") String details);
}
