package dev.oauthapi.db;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.time.Instant;
import java.util.Optional;

/** SQL on {@code app_attest_keys}. See {@link UserDao}. */
public final class AppAttestKeyDao {
    private static final String COLUMNS = "key_id, public_key, counter, receipt, app_id, environment, created_at,"
            + " last_used_at, revoked_at";
    private static final RowMapper<AppAttestKeyRow> MAPPER = (row, ctx) -> new AppAttestKeyRow(row.getBytes("key_id"),
            row.getBytes("public_key"), row.getLong("counter"), row.getBytes("receipt"), row.getString("app_id"),
            row.getString("environment"), Columns.instant(row, "created_at"), Columns.instant(row, "last_used_at"),
            Columns.instant(row, "revoked_at"));

    private final Handle handle;

    public AppAttestKeyDao(Handle handle) {
        this.handle = handle;
    }

    /** Keeps a newly attested key; false when that key id was attested before (a key attests once). */
    public boolean insert(AppAttestKeyRow key) {
        return handle.createUpdate("INSERT INTO app_attest_keys (" + COLUMNS + ") VALUES (:keyId, :publicKey, :counter,"
                        + " :receipt, :appId, :environment, :createdAt, NULL, NULL) ON CONFLICT (key_id) DO NOTHING")
                .bind("keyId", key.keyId()).bind("publicKey", key.publicKey()).bind("counter", key.counter())
                .bindByType("receipt", key.receipt(), byte[].class).bind("appId", key.appId())
                .bind("environment", key.environment()).bind("createdAt", key.createdAt())
                .execute() == 1;
    }

    public Optional<AppAttestKeyRow> find(byte[] keyId) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM app_attest_keys WHERE key_id = :keyId")
                .bind("keyId", keyId).map(MAPPER).findOne();
    }

    /**
     * Moves a live key's counter to {@code counter}, only if it is above the stored one: of two
     * assertions with one counter value, one wins; a replay loses. False when it did not move.
     */
    public boolean advance(byte[] keyId, long counter, Instant now) {
        return handle.createUpdate("UPDATE app_attest_keys SET counter = :counter, last_used_at = :now"
                        + " WHERE key_id = :keyId AND counter < :counter AND revoked_at IS NULL")
                .bind("keyId", keyId).bind("counter", counter).bind("now", now).execute() == 1;
    }

    /** Revokes a key; false when there is no such key, or it was revoked already. */
    public boolean revoke(byte[] keyId, Instant now) {
        return handle.createUpdate("UPDATE app_attest_keys SET revoked_at = :now WHERE key_id = :keyId"
                        + " AND revoked_at IS NULL")
                .bind("keyId", keyId).bind("now", now).execute() == 1;
    }
}
