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

@RegisterConstructorMapper(IdentityRow.class)
public interface IdentityDao {
    @SqlUpdate("""
            INSERT INTO identities (id, user_id, provider, subject, email, email_verified, is_private_email,
                                    linked_at, last_sign_in_at)
            VALUES (:id, :userId, :provider, :subject, :email, :emailVerified, :isPrivateEmail, :linkedAt, :lastSignInAt)""")
    void insert(@BindMethods IdentityRow identity);

    @SqlQuery("SELECT * FROM identities WHERE provider = :provider AND subject = :subject")
    Optional<IdentityRow> find(@Bind("provider") String provider, @Bind("subject") String subject);

    @SqlQuery("SELECT * FROM identities WHERE user_id = :userId ORDER BY linked_at, provider")
    List<IdentityRow> findByUser(@Bind("userId") UUID userId);

    /** Records a sign-in; an e-mail the provider no longer sends is kept, not erased. */
    @SqlUpdate("""
            UPDATE identities SET
                email = COALESCE(:email, email),
                email_verified = CASE WHEN :email IS NULL THEN email_verified ELSE :emailVerified END,
                is_private_email = CASE WHEN :email IS NULL THEN is_private_email ELSE :isPrivateEmail END,
                last_sign_in_at = :now
            WHERE id = :id""")
    int recordSignIn(@Bind("id") UUID id, @Bind("email") String email, @Bind("emailVerified") boolean emailVerified,
                     @Bind("isPrivateEmail") boolean isPrivateEmail, @Bind("now") Instant now);

    @SqlUpdate("DELETE FROM identities WHERE user_id = :userId AND provider = :provider")
    int delete(@Bind("userId") UUID userId, @Bind("provider") String provider);
}
