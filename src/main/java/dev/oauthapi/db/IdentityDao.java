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

    /** The provider's refresh token for this identity, sealed, and the exchange that got it. */
    @SqlUpdate("""
            UPDATE identities SET client_id = :clientId, provider_token_sealed = :sealed, provider_token_key_id = :keyId,
                                  token_exchange_status = 'ok', token_exchange_error = NULL, token_exchanged_at = :now
            WHERE provider = :provider AND subject = :subject""")
    int storeProviderToken(@Bind("provider") String provider, @Bind("subject") String subject,
                           @Bind("clientId") String clientId, @Bind("sealed") byte[] sealed, @Bind("keyId") String keyId,
                           @Bind("now") Instant now);

    /** A failed exchange, kept on the identity for operators; the error names no token. */
    @SqlUpdate("""
            UPDATE identities SET token_exchange_status = 'failed', token_exchange_error = left(:error, 500),
                                  token_exchanged_at = :now
            WHERE provider = :provider AND subject = :subject""")
    int recordExchangeFailure(@Bind("provider") String provider, @Bind("subject") String subject,
                              @Bind("error") String error, @Bind("now") Instant now);

    /** The sealed provider tokens of a user's identities (of one provider, or all when null). */
    @SqlQuery("""
            SELECT provider, client_id, provider_token_sealed, provider_token_key_id FROM identities
            WHERE user_id = :userId AND provider_token_sealed IS NOT NULL
              AND (CAST(:provider AS text) IS NULL OR provider = :provider)""")
    @RegisterConstructorMapper(SealedProviderToken.class)
    List<SealedProviderToken> sealedTokens(@Bind("userId") UUID userId, @Bind("provider") String provider);

    @SqlUpdate("""
            UPDATE identities SET provider_token_sealed = NULL, provider_token_key_id = NULL
            WHERE provider = :provider AND subject = :subject""")
    int forgetProviderToken(@Bind("provider") String provider, @Bind("subject") String subject);

    @SqlUpdate("UPDATE identities SET email_relay_disabled = :disabled WHERE provider = :provider AND subject = :subject")
    int setEmailRelayDisabled(@Bind("provider") String provider, @Bind("subject") String subject,
                              @Bind("disabled") boolean disabled);

    @SqlUpdate("UPDATE identities SET sign_in_disabled_at = :at WHERE provider = :provider AND subject = :subject")
    int setSignInDisabled(@Bind("provider") String provider, @Bind("subject") String subject, @Bind("at") Instant at);

    @SqlUpdate("DELETE FROM identities WHERE provider = :provider AND subject = :subject")
    int deleteBySubject(@Bind("provider") String provider, @Bind("subject") String subject);

    @SqlQuery("SELECT count(*) FROM identities WHERE user_id = :userId")
    int countOfUser(@Bind("userId") UUID userId);
}
