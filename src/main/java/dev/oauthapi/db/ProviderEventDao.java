package dev.oauthapi.db;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;

public interface ProviderEventDao {
    /** Records an event by its jti; 0 when it was recorded before (a redelivery). */
    @SqlUpdate("""
            INSERT INTO provider_events (provider, jti, event_type, received_at) VALUES (:provider, :jti, :type, :now)
            ON CONFLICT DO NOTHING""")
    int record(@Bind("provider") String provider, @Bind("jti") String jti, @Bind("type") String type,
               @Bind("now") Instant now);
}
