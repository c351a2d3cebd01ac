package dev.oauthapi.db;

import org.jdbi.v3.core.Handle;

import java.time.Instant;

/** SQL on {@code provider_events}; see {@link UserDao}. */
public final class ProviderEventDao {
    private final Handle handle;

    public ProviderEventDao(Handle handle) {
        this.handle = handle;
    }

    /** Records an event by its jti; 0 when it was recorded before (a redelivery). */
    public int record(String provider, String jti, String type, Instant now) {
        return handle.createUpdate("""
                        INSERT INTO provider_events (provider, jti, event_type, received_at)
                        VALUES (:provider, :jti, :type, :now)
                        ON CONFLICT DO NOTHING""")
                .bind("provider", provider).bind("jti", jti).bind("type", type).bind("now", now).execute();
    }
}
