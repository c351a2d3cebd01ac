package dev.oauthapi.db;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

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

    @SqlQuery("SELECT " + COLUMNS + " FROM sessions WHERE user_id = :userId ORDER BY created_at DESC")
    List<SessionRow> findByUser(@Bind("userId") UUID userId);
}
