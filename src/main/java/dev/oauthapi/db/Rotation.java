package dev.oauthapi.db;

import org.jdbi.v3.core.mapper.RowMapper;

import java.time.Instant;
import java.util.UUID;

/**
 * A committed-to-be refresh rotation: the session, its user and role, its new idle expiry, and the
 * DPoP key it is bound to (null when unbound).
 */
public record Rotation(UUID sessionId, UUID userId, String clientId, String role, Instant expiresAt, String dpopJkt,
                       boolean anonymous) {
    /** From {@code RETURNING s.id, s.user_id, s.client_id, s.expires_at, u.role, s.dpop_jkt, u.is_anonymous}. */
    static final RowMapper<Rotation> MAPPER = (row, ctx) -> new Rotation(Columns.uuid(row, "id"),
            Columns.uuid(row, "user_id"), row.getString("client_id"), row.getString("role"),
            Columns.instant(row, "expires_at"), row.getString("dpop_jkt"), row.getBoolean("is_anonymous"));
}
