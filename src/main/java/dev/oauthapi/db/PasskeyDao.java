package dev.oauthapi.db;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL on {@code passkeys}, and on the WebAuthn user handle of {@code users}. See {@link UserDao}. */
public final class PasskeyDao {
    static final String COLUMNS = "id, user_id, credential_id, public_key, algorithm, sign_count, transports,"
            + " backup_eligible, backed_up, aaguid, name, created_at, last_used_at";
    static final RowMapper<PasskeyRow> MAPPER = (row, ctx) -> new PasskeyRow(Columns.uuid(row, "id"),
            Columns.uuid(row, "user_id"), row.getBytes("credential_id"), row.getBytes("public_key"),
            row.getInt("algorithm"), row.getLong("sign_count"), row.getString("transports"),
            row.getBoolean("backup_eligible"), row.getBoolean("backed_up"), Columns.uuid(row, "aaguid"),
            row.getString("name"), Columns.instant(row, "created_at"), Columns.instant(row, "last_used_at"));

    /** A passkey found for a sign-in, with its owner's user handle. */
    public record WithOwner(PasskeyRow passkey, byte[] userHandle) {
    }

    private final Handle handle;

    public PasskeyDao(Handle handle) {
        this.handle = handle;
    }

    public void insert(PasskeyRow passkey) {
        handle.createUpdate("INSERT INTO passkeys (" + COLUMNS + ") VALUES (:id, :userId, :credentialId, :publicKey,"
                        + " :algorithm, :signCount, :transports, :backupEligible, :backedUp, CAST(:aaguid AS uuid),"
                        + " :name, :createdAt, :lastUsedAt)")
                .bind("id", passkey.id()).bind("userId", passkey.userId()).bind("credentialId", passkey.credentialId())
                .bind("publicKey", passkey.publicKey()).bind("algorithm", passkey.algorithm())
                .bind("signCount", passkey.signCount()).bind("transports", passkey.transports())
                .bind("backupEligible", passkey.backupEligible()).bind("backedUp", passkey.backedUp())
                .bindByType("aaguid", passkey.aaguid() == null ? null : passkey.aaguid().toString(), String.class)
                .bindByType("name", passkey.name(), String.class)
                .bind("createdAt", passkey.createdAt()).bindByType("lastUsedAt", passkey.lastUsedAt(), Instant.class)
                .execute();
    }

    /** The passkey with this credential id, with its owner's user handle and state. */
    public Optional<WithOwner> findByCredentialId(byte[] credentialId) {
        return handle.createQuery("SELECT p." + COLUMNS.replace(", ", ", p.")
                        + ", u.webauthn_user_handle"
                        + " FROM passkeys p JOIN users u ON u.id = p.user_id WHERE p.credential_id = :credentialId")
                .bind("credentialId", credentialId)
                .map((row, ctx) -> new WithOwner(MAPPER.map(row, ctx), row.getBytes("webauthn_user_handle")))
                .findOne();
    }

    /** A user's passkeys, newest first. */
    public List<PasskeyRow> ofUser(UUID userId) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM passkeys WHERE user_id = :userId"
                        + " ORDER BY created_at DESC, id DESC")
                .bind("userId", userId).map(MAPPER).list();
    }

    /** The passkeys of several users (a page of the admin list), newest first. */
    public List<PasskeyRow> ofUsers(List<UUID> userIds) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM passkeys WHERE user_id = ANY(:userIds)"
                        + " ORDER BY created_at DESC, id DESC")
                .bindArray("userIds", UUID.class, userIds).map(MAPPER).list();
    }

    public Optional<PasskeyRow> rename(UUID userId, UUID id, String name) {
        return handle.createQuery("UPDATE passkeys SET name = :name WHERE id = :id AND user_id = :userId"
                        + " RETURNING " + COLUMNS)
                .bind("id", id).bind("userId", userId).bind("name", name).map(MAPPER).findOne();
    }

    /** Deletes one passkey of the user; the row as it was, or empty when there is none. */
    public Optional<PasskeyRow> delete(UUID userId, UUID id) {
        return handle.createQuery("DELETE FROM passkeys WHERE id = :id AND user_id = :userId RETURNING " + COLUMNS)
                .bind("id", id).bind("userId", userId).map(MAPPER).findOne();
    }

    /**
     * The user's WebAuthn user handle, made from {@code fresh} on first use. Empty when there is no
     * such user.
     */
    public Optional<byte[]> userHandle(UUID userId, byte[] fresh) {
        final Optional<Optional<byte[]>> found = handle.createQuery("""
                        WITH made AS (
                            UPDATE users SET webauthn_user_handle = :fresh
                             WHERE id = :id AND webauthn_user_handle IS NULL
                            RETURNING webauthn_user_handle)
                        SELECT COALESCE((SELECT webauthn_user_handle FROM made), u.webauthn_user_handle) AS handle
                          FROM users u WHERE u.id = :id""")
                .bind("id", userId).bind("fresh", fresh)
                .map((row, ctx) -> Optional.ofNullable(row.getBytes("handle"))).findOne();
        if (found.isPresent() && found.get().isEmpty()) {
            // A concurrent first use made it after this statement's snapshot: read it now.
            return handle.createQuery("SELECT webauthn_user_handle FROM users WHERE id = :id")
                    .bind("id", userId).mapTo(byte[].class).findOne();
        }
        return found.flatMap(handleOfUser -> handleOfUser);
    }
}
