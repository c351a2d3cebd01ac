package dev.oauthapi.db;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

@RegisterConstructorMapper(RevocationRow.class)
public interface RevocationDao {
    @SqlUpdate("""
            INSERT INTO provider_revocations (provider, client_id, token_sealed, token_key_id, user_id, created_at,
                                              next_attempt_at)
            VALUES (:provider, :clientId, :sealed, :keyId, CAST(:userId AS uuid), :now, :now)""")
    void insert(@Bind("provider") String provider, @Bind("clientId") String clientId, @Bind("sealed") byte[] sealed,
                @Bind("keyId") String keyId, @Bind("userId") UUID userId, @Bind("now") Instant now);

    /** Due revocations, locked; another instance skips them rather than waiting. */
    @SqlQuery("""
            SELECT id, provider, client_id, token_sealed, token_key_id, user_id, created_at, attempts, next_attempt_at
            FROM provider_revocations
            WHERE completed_at IS NULL AND abandoned_at IS NULL AND next_attempt_at <= :now
            ORDER BY next_attempt_at LIMIT :limit
            FOR UPDATE SKIP LOCKED""")
    List<RevocationRow> lockDue(@Bind("now") Instant now, @Bind("limit") int limit);

    /** Claims a due revocation for a while; should the claimer die, it is due again after that. */
    @SqlUpdate("UPDATE provider_revocations SET next_attempt_at = :until WHERE id = :id")
    void lease(@Bind("id") long id, @Bind("until") Instant until);

    /** Done: the token is revoked, so its ciphertext is no longer kept either. */
    @SqlUpdate("""
            UPDATE provider_revocations SET attempts = attempts + 1, completed_at = :now, last_error = NULL,
                   token_sealed = ''::bytea
            WHERE id = :id""")
    void completed(@Bind("id") long id, @Bind("now") Instant now);

    @SqlUpdate("""
            UPDATE provider_revocations SET attempts = attempts + 1, next_attempt_at = :next, last_error = left(:error, 500),
                   abandoned_at = CASE WHEN CAST(:abandon AS boolean) THEN CAST(:now AS timestamptz) END
            WHERE id = :id""")
    void failed(@Bind("id") long id, @Bind("now") Instant now, @Bind("next") Instant next, @Bind("error") String error,
                @Bind("abandon") boolean abandon);
}
