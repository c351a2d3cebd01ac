package dev.oauthapi.db;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

@RegisterConstructorMapper(RefreshTokenRow.class)
public interface RefreshTokenDao {
    @SqlUpdate("""
            INSERT INTO refresh_tokens (token_hash, session_id, generation, issued_at)
            VALUES (:hash, :sessionId, :generation, :issuedAt)""")
    void insert(@Bind("hash") byte[] hash, @Bind("sessionId") UUID sessionId, @Bind("generation") int generation,
                @Bind("issuedAt") Instant issuedAt);

    @SqlQuery("SELECT * FROM refresh_tokens WHERE token_hash = :hash")
    Optional<RefreshTokenRow> find(@Bind("hash") byte[] hash);

    /** The session's newest generation: the current token. Call with the session row locked. */
    @SqlQuery("SELECT max(generation) FROM refresh_tokens WHERE session_id = :sessionId")
    int currentGeneration(@Bind("sessionId") UUID sessionId);

    @SqlUpdate("""
            UPDATE refresh_tokens SET superseded_at = :at, successor_sealed = :sealed
            WHERE token_hash = :hash AND superseded_at IS NULL""")
    int supersede(@Bind("hash") byte[] hash, @Bind("at") Instant at, @Bind("sealed") byte[] successorSealed);
}
