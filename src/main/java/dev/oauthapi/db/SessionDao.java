package dev.oauthapi.db;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@RegisterConstructorMapper(SessionRow.class)
public interface SessionDao {
    String COLUMNS = """
            id, user_id, provider, client_id, platform, device_name, app_version, host(ip_address) AS ip_address,
            user_agent, created_at, last_used_at, expires_at, absolute_expires_at, revoked_at, revoked_reason""";

    @SqlUpdate("""
            INSERT INTO sessions (id, user_id, provider, client_id, platform, device_name, app_version, ip_address,
                                  user_agent, created_at, last_used_at, expires_at, absolute_expires_at)
            VALUES (:id, :userId, :provider, :clientId, :platform, :deviceName, :appVersion, CAST(:ipAddress AS inet),
                    :userAgent, :createdAt, :lastUsedAt, :expiresAt, :absoluteExpiresAt)""")
    void insert(@BindMethods SessionRow session);

    @SqlQuery("SELECT " + COLUMNS + " FROM sessions WHERE id = :id")
    Optional<SessionRow> find(@Bind("id") UUID id);

    /** Locks the session until the transaction ends: its refreshes take turns. */
    @SqlQuery("SELECT " + COLUMNS + " FROM sessions WHERE id = :id FOR UPDATE")
    Optional<SessionRow> lock(@Bind("id") UUID id);

    /** The user's sessions that can still be used, newest first: the device list. */
    @SqlQuery("SELECT " + COLUMNS + " FROM sessions WHERE user_id = :userId AND revoked_at IS NULL"
            + " AND expires_at > :now ORDER BY created_at DESC, id")
    List<SessionRow> findLive(@Bind("userId") UUID userId, @Bind("now") Instant now);

    /**
     * Whether an access token of this session may still be honoured: the session exists, is not
     * revoked, has not reached its absolute expiry, and its user is not disabled.
     */
    @SqlQuery("""
            SELECT EXISTS (SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id
                           WHERE s.id = :id AND s.revoked_at IS NULL AND s.absolute_expires_at > :now
                             AND u.disabled_at IS NULL)""")
    boolean isLive(@Bind("id") UUID id, @Bind("now") Instant now);

    @SqlUpdate("UPDATE sessions SET last_used_at = :now, expires_at = :expiresAt WHERE id = :id")
    int refreshed(@Bind("id") UUID id, @Bind("now") Instant now, @Bind("expiresAt") Instant expiresAt);

    /** Revokes one session of a user if it is not revoked yet; returns its id if it did. */
    @SqlQuery("""
            UPDATE sessions SET revoked_at = :now, revoked_reason = :reason
            WHERE user_id = :userId AND id = :id AND revoked_at IS NULL
            RETURNING id""")
    List<UUID> revoke(@Bind("userId") UUID userId, @Bind("id") UUID id, @Bind("reason") String reason,
                      @Bind("now") Instant now);

    @SqlQuery("SELECT EXISTS (SELECT 1 FROM sessions WHERE id = :id AND user_id = :userId)")
    boolean belongsTo(@Bind("id") UUID id, @Bind("userId") UUID userId);

    /** Revokes every live session of a user, but {@code keep} (may be null); returns the ids it revoked. */
    @SqlQuery("""
            UPDATE sessions SET revoked_at = :now, revoked_reason = :reason
            WHERE user_id = :userId AND revoked_at IS NULL AND id IS DISTINCT FROM CAST(:keep AS uuid)
            RETURNING id""")
    List<UUID> revokeAllBut(@Bind("userId") UUID userId, @Bind("keep") UUID keep, @Bind("reason") String reason,
                            @Bind("now") Instant now);

    /** Revokes the live sessions a user started through one provider; returns their ids. */
    @SqlQuery("""
            UPDATE sessions SET revoked_at = :now, revoked_reason = :reason
            WHERE user_id = :userId AND provider = :provider AND revoked_at IS NULL
            RETURNING id""")
    List<UUID> revokeOfProvider(@Bind("userId") UUID userId, @Bind("provider") String provider,
                                @Bind("reason") String reason, @Bind("now") Instant now);

    @SqlQuery("SELECT id FROM sessions WHERE user_id = :userId")
    List<UUID> idsOfUser(@Bind("userId") UUID userId);

    /**
     * Deletes, a bounded batch at a time, sessions that can never be used again: revoked, or past
     * their idle or absolute expiry, for longer than {@code before} allows. Their refresh tokens go
     * with them.
     */
    @SqlUpdate("""
            DELETE FROM sessions WHERE id IN (
                SELECT id FROM sessions
                WHERE revoked_at < :before OR expires_at < :before OR absolute_expires_at < :before
                LIMIT :batch)""")
    int purge(@Bind("before") Instant before, @Bind("batch") int batch);
}
