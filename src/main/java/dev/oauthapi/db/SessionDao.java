package dev.oauthapi.db;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** SQL on {@code sessions} (and, to start one, its first refresh token); see {@link UserDao}. */
public final class SessionDao {
    /**
     * A guest's ended sessions stay until the guest goes: when its last one ended is what the
     * guest retention counts from ({@code UserDao#purgeGuests}).
     */
    private static final String NOT_OF_A_GUEST =
            " AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id AND u.is_anonymous) ";

    private static final String COLUMNS = """
            id, user_id, provider, client_id, platform, device_name, app_version, host(ip_address) AS ip_address,
            user_agent, created_at, last_used_at, expires_at, absolute_expires_at, revoked_at, revoked_reason, dpop_jkt""";
    private static final RowMapper<SessionRow> MAPPER = (row, ctx) -> new SessionRow(Columns.uuid(row, "id"),
            Columns.uuid(row, "user_id"), row.getString("provider"), row.getString("client_id"),
            row.getString("platform"), row.getString("device_name"), row.getString("app_version"),
            row.getString("ip_address"), row.getString("user_agent"), Columns.instant(row, "created_at"),
            Columns.instant(row, "last_used_at"), Columns.instant(row, "expires_at"),
            Columns.instant(row, "absolute_expires_at"), Columns.instant(row, "revoked_at"),
            row.getString("revoked_reason"), row.getString("dpop_jkt"));

    private final Handle handle;

    public SessionDao(Handle handle) {
        this.handle = handle;
    }

    /** Stores a new session with the hash of its first refresh token's secret (generation 0). */
    /** @param passkeyId the passkey the session is signed in with, or null */
    public void insert(SessionRow session, byte[] refreshHash, UUID passkeyId) {
        bindSession(handle.createUpdate("""
                        INSERT INTO sessions (id, user_id, provider, client_id, platform, device_name, app_version,
                                              ip_address, user_agent, created_at, last_used_at, expires_at,
                                              absolute_expires_at, refresh_generation, refresh_hash, passkey_id,
                                              dpop_jkt)
                        VALUES (:id, :userId, :provider, :clientId, :platform, :deviceName, :appVersion,
                                CAST(:ipAddress AS inet), :userAgent, :createdAt, :lastUsedAt, :expiresAt,
                                :absoluteExpiresAt, 0, :refreshHash, CAST(:passkeyId AS uuid), :dpopJkt)"""), session)
                .bind("refreshHash", refreshHash).bindByType("passkeyId", passkeyId, UUID.class)
                .execute();
    }

    /**
     * Stores a new session the way older releases do: its first refresh token as a row of
     * {@code refresh_tokens} (generation 0), in one statement ({@code REFRESH_TOKEN_FORMAT=v1}).
     */
    public void insertLegacy(SessionRow session, byte[] refreshTokenHash, UUID passkeyId) {
        bindSession(handle.createUpdate("""
                        WITH session AS (
                            INSERT INTO sessions (id, user_id, provider, client_id, platform, device_name, app_version,
                                                  ip_address, user_agent, created_at, last_used_at, expires_at,
                                                  absolute_expires_at, passkey_id, dpop_jkt)
                            VALUES (:id, :userId, :provider, :clientId, :platform, :deviceName, :appVersion,
                                    CAST(:ipAddress AS inet), :userAgent, :createdAt, :lastUsedAt, :expiresAt,
                                    :absoluteExpiresAt, CAST(:passkeyId AS uuid), :dpopJkt)
                            RETURNING id)
                        INSERT INTO refresh_tokens (token_hash, session_id, generation, issued_at)
                        SELECT :tokenHash, id, 0, :createdAt FROM session"""), session)
                .bind("tokenHash", refreshTokenHash).bindByType("passkeyId", passkeyId, UUID.class)
                .execute();
    }

    static <S extends org.jdbi.v3.core.statement.SqlStatement<S>> S bindSession(S update,
                                                                  SessionRow session) {
        return update.bind("id", session.id()).bind("userId", session.userId()).bind("provider", session.provider())
                .bind("clientId", session.clientId()).bindByType("platform", session.platform(), String.class)
                .bindByType("deviceName", session.deviceName(), String.class)
                .bindByType("appVersion", session.appVersion(), String.class)
                .bindByType("ipAddress", session.ipAddress(), String.class)
                .bindByType("userAgent", session.userAgent(), String.class)
                .bind("createdAt", session.createdAt()).bind("lastUsedAt", session.lastUsedAt())
                .bind("expiresAt", session.expiresAt()).bind("absoluteExpiresAt", session.absoluteExpiresAt())
                .bindByType("dpopJkt", session.dpopJkt(), String.class);
    }

    /**
     * The whole of an ordinary refresh, one statement on one row found by its key: when the
     * presented secret is the session's current one, of the generation the token names, and the
     * session and its user may still be used, the generation moves on, the previous secret's hash
     * and the successor sealed under it are kept for the grace rule, and the idle expiry moves
     * (never past the absolute one). No column it writes is indexed: a HOT update. Empty when any
     * of that does not hold, and then nothing changed. The session's client must be in
     * {@code clients} exactly when {@code listed} (the app-check gate's renewal rule; an empty list,
     * not listed, admits every client). A session bound to a DPoP key rotates only with
     * {@code dpopJkt} that key's; an unbound one is bound to {@code dpopJkt} when given. With
     * {@code client} (an OAuth refresh), only a session of that client rotates.
     */
    public Optional<Rotation> rotate(UUID sessionId, int generation, byte[] presentedHash, byte[] nextHash,
                                     byte[] successorSealed, Instant now, Instant idleExpiry, Set<String> clients,
                                     boolean listed, String dpopJkt, String client) {
        return handle.createQuery("""
                        UPDATE sessions s
                           SET refresh_generation = s.refresh_generation + 1, previous_refresh_hash = s.refresh_hash,
                               refresh_hash = :next, successor_sealed = :sealed, refreshed_at = :now,
                               last_used_at = :now, dpop_jkt = COALESCE(s.dpop_jkt, CAST(:jkt AS text)),
                               expires_at = LEAST(CAST(:idleExpiry AS timestamptz), s.absolute_expires_at)
                          FROM users u
                         WHERE s.id = :id AND s.refresh_generation = :generation AND s.refresh_hash = :presented
                           AND s.revoked_at IS NULL AND s.expires_at > :now AND s.absolute_expires_at > :now
                           AND u.id = s.user_id AND u.disabled_at IS NULL
                           AND (s.client_id = ANY(:clients)) = :listed
                           AND (s.dpop_jkt IS NULL OR s.dpop_jkt = CAST(:jkt AS text))
                           AND (CAST(:client AS text) IS NULL OR s.client_id = CAST(:client AS text))
                        RETURNING s.id, s.user_id, s.client_id, s.expires_at, u.role, s.dpop_jkt, u.is_anonymous""")
                .bind("id", sessionId).bind("generation", generation).bind("presented", presentedHash)
                .bindArray("clients", String.class, clients).bind("listed", listed)
                .bindByType("jkt", dpopJkt, String.class).bindByType("client", client, String.class)
                .bind("next", nextHash).bind("sealed", successorSealed).bind("now", now).bind("idleExpiry", idleExpiry)
                .map(Rotation.MAPPER)
                .findOne();
    }

    /**
     * Locks a session for a refresh that was not the ordinary one, with what deciding it needs: the
     * session, its refresh state and its user's role and state. Empty when there is no such session.
     */
    public Optional<RefreshState> lockForRefresh(UUID sessionId) {
        return handle.createQuery("""
                        SELECT s.id, s.user_id, s.provider, s.client_id, s.platform, s.device_name, s.app_version,
                               host(s.ip_address) AS ip_address, s.user_agent, s.created_at, s.last_used_at,
                               s.expires_at, s.absolute_expires_at, s.revoked_at, s.revoked_reason,
                               s.refresh_generation, s.refresh_hash, s.previous_refresh_hash, s.successor_sealed,
                               s.refreshed_at, s.dpop_jkt, u.role, u.disabled_at IS NOT NULL AS user_disabled,
                               u.is_anonymous
                          FROM sessions s JOIN users u ON u.id = s.user_id
                         WHERE s.id = :id
                           FOR UPDATE OF s""")
                .bind("id", sessionId)
                .map((row, ctx) -> new RefreshState(MAPPER.map(row, ctx), row.getString("role"),
                        row.getBoolean("user_disabled"), row.getInt("refresh_generation"), row.getBytes("refresh_hash"),
                        row.getBytes("previous_refresh_hash"), row.getBytes("successor_sealed"),
                        Columns.instant(row, "refreshed_at"), row.getBoolean("is_anonymous")))
                .findOne();
    }

    public Optional<SessionRow> find(UUID id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM sessions WHERE id = :id")
                .bind("id", id).map(MAPPER).findOne();
    }

    /**
     * Locks the session a refresh token belongs to until the transaction ends, so that its
     * refreshes take turns; empty when no such token exists.
     */
    public Optional<SessionRow> lockByRefreshToken(byte[] tokenHash) {
        return handle.createQuery("SELECT " + COLUMNS + """
                         FROM sessions
                        WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = :hash)
                        FOR UPDATE""")
                .bind("hash", tokenHash).map(MAPPER).findOne();
    }

    /** The user's sessions that can still be used, newest first: the device list. */
    public List<SessionRow> findLive(UUID userId, Instant now) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM sessions WHERE user_id = :userId AND revoked_at IS NULL"
                        + " AND expires_at > :now ORDER BY created_at DESC, id")
                .bind("userId", userId).bind("now", now).map(MAPPER).list();
    }

    /**
     * Until when an access token of this session may be honoured, and with which role, if it may
     * be now: the session exists, is not revoked, has reached neither its idle nor its absolute expiry, and its user is
     * not disabled. Empty otherwise.
     */
    public Optional<Liveness> liveUntil(UUID id, Instant now) {
        return handle.createQuery("""
                        SELECT LEAST(s.expires_at, s.absolute_expires_at) AS live_until, u.role
                        FROM sessions s JOIN users u ON u.id = s.user_id
                        WHERE s.id = :id AND s.revoked_at IS NULL AND s.expires_at > :now
                          AND s.absolute_expires_at > :now AND u.disabled_at IS NULL""")
                .bind("id", id).bind("now", now)
                .map((row, ctx) -> new Liveness(Columns.instant(row, "live_until"), row.getString("role"))).findOne();
    }

    /** A usable session: until when, and its user's role now. */
    public record Liveness(Instant until, String role) {
    }


    /** Revokes one session of a user if it is not revoked yet; returns its id if it did. */
    public List<UUID> revoke(UUID userId, UUID id, String reason, Instant now) {
        return revokeWhere("id = :id", userId, reason, now, query -> query.bind("id", id));
    }

    public boolean belongsTo(UUID id, UUID userId) {
        return handle.createQuery("SELECT EXISTS (SELECT 1 FROM sessions WHERE id = :id AND user_id = :userId)")
                .bind("id", id).bind("userId", userId).map((row, ctx) -> row.getBoolean(1)).one();
    }

    /** Revokes every live session of a user, but {@code keep} (may be null); returns the ids it revoked. */
    public List<UUID> revokeAllBut(UUID userId, UUID keep, String reason, Instant now) {
        return revokeWhere("id IS DISTINCT FROM CAST(:keep AS uuid)", userId, reason, now,
                query -> query.bindByType("keep", keep, UUID.class));
    }

    /** Revokes the live sessions a user started through one provider; returns their ids. */
    public List<UUID> revokeOfProvider(UUID userId, String provider, String reason, Instant now) {
        return revokeWhere("provider = :provider", userId, reason, now, query -> query.bind("provider", provider));
    }

    /** Revokes the live sessions signed in with one passkey of the user; returns their ids. */
    public List<UUID> revokeOfPasskey(UUID userId, UUID passkeyId, String reason, Instant now) {
        return revokeWhere("passkey_id = :passkeyId", userId, reason, now, query -> query.bind("passkeyId", passkeyId));
    }

    /** Revokes the user's live sessions that also match {@code condition} (constant SQL); returns their ids. */
    private List<UUID> revokeWhere(String condition, UUID userId, String reason, Instant now,
                                   java.util.function.UnaryOperator<org.jdbi.v3.core.statement.Query> bindings) {
        return bindings.apply(handle.createQuery("UPDATE sessions SET revoked_at = :now, revoked_reason = :reason"
                        + " WHERE user_id = :userId AND revoked_at IS NULL AND " + condition + " RETURNING id")
                        .bind("userId", userId).bind("reason", reason).bind("now", now))
                .map((row, ctx) -> Columns.uuid(row, "id")).list();
    }

    public List<UUID> idsOfUser(UUID userId) {
        return handle.createQuery("SELECT id FROM sessions WHERE user_id = :userId")
                .bind("userId", userId).map((row, ctx) -> Columns.uuid(row, "id")).list();
    }

    /**
     * Deletes a bounded batch of sessions revoked, or past their absolute expiry, before
     * {@code before}, each found by its index; their refresh tokens go with them.
     */
    public int purgeEnded(Instant before, int batch) {
        return handle.createUpdate("""
                        DELETE FROM sessions WHERE id IN (
                            (SELECT id FROM sessions s WHERE revoked_at < :before""" + NOT_OF_A_GUEST + """
                              LIMIT :batch)
                            UNION
                            (SELECT id FROM sessions s WHERE absolute_expires_at < :before""" + NOT_OF_A_GUEST + """
                              LIMIT :batch))""")
                .bind("before", before).bind("batch", batch).execute();
    }

    /** One step of the sweep for idle expiry: where it got to (null at the end), and how many went. */
    public record Sweep(UUID reached, int deleted) {
    }

    /**
     * Reads the next {@code batch} sessions in key order after {@code after} and deletes those past
     * their idle expiry before {@code before}. The idle expiry moves with every refresh, so it has no
     * index (a rotation stays a HOT update): the purge walks the table in key order instead.
     */
    public Sweep sweepIdle(UUID after, Instant before, int batch) {
        return handle.createQuery("""
                        WITH chunk AS (
                            SELECT id, expires_at FROM sessions WHERE id > :after ORDER BY id LIMIT :batch),
                        gone AS (
                            DELETE FROM sessions s WHERE id IN (SELECT id FROM chunk WHERE expires_at < :before)""" + NOT_OF_A_GUEST + """
                            RETURNING 1)
                        SELECT (SELECT id FROM chunk ORDER BY id DESC LIMIT 1) AS reached, (SELECT count(*) FROM gone) AS deleted""")
                .bind("after", after).bind("before", before).bind("batch", batch)
                .map((row, ctx) -> new Sweep(Columns.uuid(row, "reached"), row.getInt("deleted")))
                .one();
    }
}
