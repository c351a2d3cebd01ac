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

@RegisterConstructorMapper(UserRow.class)
public interface UserDao {
    @SqlUpdate("""
            INSERT INTO users (id, email, email_verified, name, avatar_url, role, disabled_at, created_at, updated_at)
            VALUES (:id, :email, :emailVerified, :name, :avatarUrl, :role, :disabledAt, :createdAt, :updatedAt)""")
    void insert(@BindMethods UserRow user);

    @SqlQuery("SELECT * FROM users WHERE id = :id")
    Optional<UserRow> find(@Bind("id") UUID id);

    /** Locks the user's row until the transaction ends: changes to its identities take turns. */
    @SqlQuery("SELECT * FROM users WHERE id = :id FOR UPDATE")
    Optional<UserRow> lock(@Bind("id") UUID id);

    /** Users whose verified address equals this one ignoring case (the partial index serves it). */
    @SqlQuery("SELECT * FROM users WHERE email_verified AND lower(email) = lower(:email) ORDER BY created_at")
    List<UserRow> findByVerifiedEmail(@Bind("email") String email);

    /** Fills profile fields that are still empty; never overwrites a value with another or with nothing. */
    @SqlUpdate("""
            UPDATE users SET
                email_verified = CASE WHEN email IS NULL AND :email IS NOT NULL THEN :emailVerified ELSE email_verified END,
                email = COALESCE(email, :email),
                name = COALESCE(name, :name),
                avatar_url = COALESCE(avatar_url, :avatarUrl),
                updated_at = :now
            WHERE id = :id
              AND (   (email IS NULL AND :email IS NOT NULL)
                   OR (name IS NULL AND :name IS NOT NULL)
                   OR (avatar_url IS NULL AND :avatarUrl IS NOT NULL))""")
    int fillEmptyProfile(@Bind("id") UUID id, @Bind("email") String email, @Bind("emailVerified") boolean emailVerified,
                         @Bind("name") String name, @Bind("avatarUrl") String avatarUrl, @Bind("now") Instant now);

    @SqlUpdate("DELETE FROM users WHERE id = :id")
    int delete(@Bind("id") UUID id);

    @SqlUpdate("UPDATE users SET disabled_at = :now, updated_at = :now WHERE id = :id AND disabled_at IS NULL")
    int disable(@Bind("id") UUID id, @Bind("now") Instant now);

    @SqlUpdate("UPDATE users SET disabled_at = NULL, updated_at = :now WHERE id = :id")
    int enable(@Bind("id") UUID id, @Bind("now") Instant now);

    @SqlUpdate("""
            UPDATE users SET name = COALESCE(:name, name), avatar_url = COALESCE(:avatarUrl, avatar_url), updated_at = :now
            WHERE id = :id""")
    int updateProfile(@Bind("id") UUID id, @Bind("name") String name, @Bind("avatarUrl") String avatarUrl,
                      @Bind("now") Instant now);
}
