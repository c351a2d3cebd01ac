package dev.oauthapi.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.db.AuditDao;
import dev.oauthapi.errors.RequestIds;
import org.jdbi.v3.core.Handle;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Writes security events into {@code audit_log}, inside the caller's transaction. */
public final class Audit {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Audit() {
    }

    /** {@code details} must hold no token and no full e-mail address. */
    public static void record(Handle handle, Instant at, String event, UUID userId, UUID sessionId, String ip,
                              Map<String, ?> details) {
        try {
            new AuditDao(handle).insert(at, event, userId, sessionId, ip, RequestIds.current(),
                    JSON.writeValueAsString(details));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
