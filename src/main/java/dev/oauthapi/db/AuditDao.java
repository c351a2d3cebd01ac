package dev.oauthapi.db;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** SQL on {@code audit_log}; see {@link UserDao}. */
public final class AuditDao {
    private static final RowMapper<AuditRow> MAPPER = (row, ctx) -> new AuditRow(row.getLong("id"),
            Columns.instant(row, "occurred_at"), row.getString("event"), Columns.uuid(row, "user_id"),
            Columns.uuid(row, "actor_id"), Columns.uuid(row, "session_id"), row.getString("ip_address"),
            row.getString("request_id"), row.getString("details"));

    private final Handle handle;

    public AuditDao(Handle handle) {
        this.handle = handle;
    }

    /** {@code details} is a JSON object; it never holds a token or a full e-mail address. */
    public void insert(Instant at, String event, UUID userId, UUID actorId, UUID sessionId, String ip,
                       String requestId, String details) {
        handle.createUpdate("""
                        INSERT INTO audit_log (occurred_at, event, user_id, actor_id, session_id, ip_address, request_id,
                                               details)
                        VALUES (:at, :event, CAST(:userId AS uuid), CAST(:actorId AS uuid), CAST(:sessionId AS uuid),
                                CAST(:ip AS inet), :requestId, CAST(:details AS jsonb))""")
                .bind("at", at).bind("event", event).bindByType("userId", userId, UUID.class)
                .bindByType("actorId", actorId, UUID.class).bindByType("sessionId", sessionId, UUID.class)
                .bindByType("ip", ip, String.class).bindByType("requestId", requestId, String.class)
                .bind("details", details)
                .execute();
    }

    /** What the admin audit log is narrowed to; a null member narrows nothing. {@code to} is exclusive. */
    public record Filter(UUID userId, UUID actorId, String event, Instant from, Instant to) {
    }

    /**
     * Up to {@code limit} events, newest first, after the position {@code (afterAt, afterId)} of the
     * last event of the previous page (both null for the first page). Only the conditions asked
     * for are in the statement, so each filter can use its index.
     */
    public List<AuditRow> page(Filter filter, Instant afterAt, Long afterId, int limit) {
        final Conditions conditions = new Conditions()
                .with("user_id = :userId", "userId", filter.userId())
                .with("actor_id = :actorId", "actorId", filter.actorId())
                .with("event = :event", "event", filter.event())
                .with("occurred_at >= :from", "from", filter.from())
                .with("occurred_at < :to", "to", filter.to());
        if (afterAt != null) {
            conditions.with("(occurred_at, id) < (:afterAt, :afterId)", Map.of("afterAt", afterAt, "afterId", afterId));
        }
        return conditions.bind(handle.createQuery("""
                        SELECT id, occurred_at, event, user_id, actor_id, session_id, host(ip_address) AS ip_address,
                               request_id, details::text AS details
                        FROM audit_log""" + conditions.where() + " ORDER BY occurred_at DESC, id DESC LIMIT :limit"))
                .bind("limit", limit)
                .map(MAPPER).list();
    }
}
