package dev.oauthapi.db;

import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.Optional;

/** SQL on {@code server_secrets}; see {@link UserDao}. */
public final class ServerSecretDao {
    private final Handle handle;

    public ServerSecretDao(Handle handle) {
        this.handle = handle;
    }

    /**
     * The secret called {@code name}: {@code candidate} if nobody stored one before, else the one
     * stored first. Safe when several instances start at once: exactly one value wins.
     */
    public byte[] getOrCreate(String name, byte[] candidate, Instant now) {
        // Empty only when another instance stored it after this statement's snapshot was taken
        // (our insert then waited for theirs); a second statement sees their value.
        return attempt(name, candidate, now).or(() -> attempt(name, candidate, now))
                .orElseThrow(() -> new IllegalStateException("server secret " + name + " neither stored nor found"));
    }

    private Optional<byte[]> attempt(String name, byte[] candidate, Instant now) {
        return handle.createQuery("""
                        WITH inserted AS (
                            INSERT INTO server_secrets (name, value, created_at) VALUES (:name, :value, :now)
                            ON CONFLICT (name) DO NOTHING
                            RETURNING value)
                        SELECT value FROM inserted
                        UNION ALL
                        SELECT value FROM server_secrets WHERE name = :name
                        LIMIT 1""")
                .bind("name", name).bind("value", candidate).bind("now", now)
                .map((row, ctx) -> row.getBytes("value")).findFirst();
    }
}
