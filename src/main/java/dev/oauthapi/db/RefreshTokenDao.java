package dev.oauthapi.db;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.UUID;

public interface RefreshTokenDao {
    @SqlUpdate("""
            INSERT INTO refresh_tokens (token_hash, session_id, generation, issued_at)
            VALUES (:hash, :sessionId, :generation, :issuedAt)""")
    void insert(@Bind("hash") byte[] hash, @Bind("sessionId") UUID sessionId, @Bind("generation") int generation,
                @Bind("issuedAt") Instant issuedAt);
}
