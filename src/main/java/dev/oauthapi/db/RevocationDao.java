package dev.oauthapi.db;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** SQL on {@code provider_revocations}, the outbox of provider tokens to revoke; see {@link UserDao}. */
public final class RevocationDao {
    private static final RowMapper<RevocationRow> MAPPER = (row, ctx) -> new RevocationRow(row.getLong("id"),
            row.getString("provider"), row.getString("client_id"), row.getBytes("token_sealed"),
            row.getString("token_key_id"), Columns.uuid(row, "user_id"), Columns.instant(row, "created_at"),
            row.getInt("attempts"), Columns.instant(row, "next_attempt_at"));

    private final Handle handle;

    public RevocationDao(Handle handle) {
        this.handle = handle;
    }

    /** Revocations still to do, and when the oldest of them was queued (null when none). */
    public record Backlog(long depth, Instant oldest) {
    }

    public Backlog backlog() {
        return handle.createQuery("""
                        SELECT count(*) AS depth, min(created_at) AS oldest FROM provider_revocations
                        WHERE completed_at IS NULL AND abandoned_at IS NULL""")
                .map((row, ctx) -> new Backlog(row.getLong("depth"), Columns.instant(row, "oldest"))).one();
    }

    public void insert(String provider, String clientId, byte[] sealed, String keyId, UUID userId, Instant now) {
        handle.createUpdate("""
                        INSERT INTO provider_revocations (provider, client_id, token_sealed, token_key_id, user_id,
                                                          created_at, next_attempt_at)
                        VALUES (:provider, :clientId, :sealed, :keyId, CAST(:userId AS uuid), :now, :now)""")
                .bind("provider", provider).bind("clientId", clientId).bind("sealed", sealed).bind("keyId", keyId)
                .bindByType("userId", userId, UUID.class).bind("now", now).execute();
    }

    /** Due revocations, locked; another instance skips them rather than waiting. */
    public List<RevocationRow> lockDue(Instant now, int limit) {
        return handle.createQuery("""
                        SELECT id, provider, client_id, token_sealed, token_key_id, user_id, created_at, attempts,
                               next_attempt_at
                        FROM provider_revocations
                        WHERE completed_at IS NULL AND abandoned_at IS NULL AND next_attempt_at <= :now
                        ORDER BY next_attempt_at LIMIT :limit
                        FOR UPDATE SKIP LOCKED""")
                .bind("now", now).bind("limit", limit).map(MAPPER).list();
    }

    /** Claims a due revocation for a while; should the claimer die, it is due again after that. */
    public void lease(long id, Instant until) {
        handle.createUpdate("UPDATE provider_revocations SET next_attempt_at = :until WHERE id = :id")
                .bind("id", id).bind("until", until).execute();
    }

    /** Done: the token is revoked, so its ciphertext is no longer kept either. */
    public void completed(long id, Instant now) {
        handle.createUpdate("""
                        UPDATE provider_revocations SET attempts = attempts + 1, completed_at = :now, last_error = NULL,
                               token_sealed = ''::bytea
                        WHERE id = :id""")
                .bind("id", id).bind("now", now).execute();
    }

    public void failed(long id, Instant now, Instant next, String error, boolean abandon) {
        handle.createUpdate("""
                        UPDATE provider_revocations SET attempts = attempts + 1, next_attempt_at = :next,
                               last_error = left(:error, 500),
                               abandoned_at = CASE WHEN CAST(:abandon AS boolean) THEN CAST(:now AS timestamptz) END
                        WHERE id = :id""")
                .bind("id", id).bind("now", now).bind("next", next).bindByType("error", error, String.class)
                .bind("abandon", abandon).execute();
    }
}
