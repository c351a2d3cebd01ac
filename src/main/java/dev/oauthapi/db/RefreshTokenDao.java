package dev.oauthapi.db;

import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.Optional;

/**
 * SQL on {@code refresh_tokens}, where older releases keep their refresh tokens (one row a
 * rotation); see {@link UserDao}. Tokens that name their session live on the session row instead
 * ({@link SessionDao#rotate}); this table goes one release after every token in it has expired.
 */
public final class RefreshTokenDao {
    private static final String FOR_REFRESH = """
            SELECT t.token_hash, t.session_id, t.generation, t.issued_at, t.superseded_at, t.successor_sealed,
                   (SELECT max(generation) FROM refresh_tokens c WHERE c.session_id = t.session_id) AS current_generation,
                   s.refresh_hash IS NOT NULL AS moved_to_session,
                   """ + "u." + UserDao.COLUMNS.replace(", ", ", u.") + """

              FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
             WHERE t.token_hash = :hash""";

    private final Handle handle;

    public RefreshTokenDao(Handle handle) {
        this.handle = handle;
    }

    /**
     * A presented token with what a refresh decides on: the session's current generation and the
     * session's user. Call with the session locked, so that all of it is current.
     */
    public Optional<RefreshCandidate> findForRefresh(byte[] hash) {
        return handle.createQuery(FOR_REFRESH)
                .bind("hash", hash)
                .map((row, ctx) -> new RefreshCandidate(
                        new RefreshTokenRow(row.getBytes("token_hash"), Columns.uuid(row, "session_id"),
                                row.getInt("generation"), Columns.instant(row, "issued_at"),
                                Columns.instant(row, "superseded_at"), row.getBytes("successor_sealed")),
                        row.getInt("current_generation"), row.getBoolean("moved_to_session"),
                        UserDao.MAPPER.map(row, ctx)))
                .findOne();
    }

    /**
     * The whole of an ordinary refresh in one statement: when the presented token is its
     * session's current one (never superseded) and the session and its user may still be used,
     * the token is superseded (with its successor sealed under it), the successor stored as the
     * next generation, and the session's idle expiry moved, never past its absolute expiry.
     * Empty when any of that does not hold; the statement may then have superseded the token
     * already, so the caller must roll the transaction back.
     */
    public Optional<Rotation> rotateIfCurrent(byte[] presentedHash, byte[] successorSealed, byte[] nextHash,
                                              Instant now, Instant idleExpiry) {
        return handle.createQuery("""
                        WITH superseded AS (
                            UPDATE refresh_tokens SET superseded_at = :now, successor_sealed = :sealed
                            WHERE token_hash = :presented AND superseded_at IS NULL
                            RETURNING session_id, generation),
                        issued AS (
                            INSERT INTO refresh_tokens (token_hash, session_id, generation, issued_at)
                            SELECT :next, session_id, generation + 1, :now FROM superseded
                            RETURNING session_id)
                        UPDATE sessions s
                           SET last_used_at = :now, expires_at = LEAST(CAST(:idleExpiry AS timestamptz), s.absolute_expires_at)
                          FROM users u
                         WHERE s.id = (SELECT session_id FROM issued) AND u.id = s.user_id
                           AND s.revoked_at IS NULL AND s.expires_at > :now AND s.absolute_expires_at > :now
                           AND u.disabled_at IS NULL
                        RETURNING s.id, s.user_id, s.client_id, s.expires_at, u.role, s.dpop_jkt, u.is_anonymous""")
                .bind("now", now).bind("sealed", successorSealed).bind("presented", presentedHash)
                .bind("next", nextHash).bind("idleExpiry", idleExpiry)
                .map(Rotation.MAPPER)
                .findOne();
    }

    /**
     * The same for a token of an older release when tokens that name their session are issued: the
     * presented token is superseded (its successor sealed under it, for the grace rule) and the
     * session row takes over, at generation {@code generation}, with the successor's secret hash;
     * no token row is added. Empty, and to be rolled back, like {@link #rotateIfCurrent}.
     */
    public Optional<Rotation> moveToSessionIfCurrent(byte[] presentedHash, byte[] successorSealed, int generation,
                                                     byte[] nextHash, Instant now, Instant idleExpiry) {
        return handle.createQuery("""
                        WITH superseded AS (
                            UPDATE refresh_tokens SET superseded_at = :now, successor_sealed = :sealed
                            WHERE token_hash = :presented AND superseded_at IS NULL
                            RETURNING session_id)
                        UPDATE sessions s
                           SET refresh_generation = :generation, refresh_hash = :next, previous_refresh_hash = NULL,
                               successor_sealed = NULL, refreshed_at = :now, last_used_at = :now,
                               expires_at = LEAST(CAST(:idleExpiry AS timestamptz), s.absolute_expires_at)
                          FROM users u
                         WHERE s.id = (SELECT session_id FROM superseded) AND s.refresh_hash IS NULL
                           AND u.id = s.user_id AND s.revoked_at IS NULL AND s.expires_at > :now
                           AND s.absolute_expires_at > :now AND u.disabled_at IS NULL
                        RETURNING s.id, s.user_id, s.client_id, s.expires_at, u.role, s.dpop_jkt, u.is_anonymous""")
                .bind("now", now).bind("sealed", successorSealed).bind("presented", presentedHash)
                .bind("generation", generation).bind("next", nextHash).bind("idleExpiry", idleExpiry)
                .map(Rotation.MAPPER)
                .findOne();
    }
}
