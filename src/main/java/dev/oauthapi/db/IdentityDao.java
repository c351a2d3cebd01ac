package dev.oauthapi.db;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** SQL on {@code identities}; a plain class over the caller's handle (see {@link UserDao}). */
public final class IdentityDao {
    private static final String COLUMNS = """
            id, user_id, provider, subject, email, email_verified, is_private_email, linked_at, last_sign_in_at,
            sign_in_disabled_at""";
    /** The same columns from a join with the table as {@code i}, as {@code i.x AS i_x}. */
    static final String JOINED_COLUMNS = joinedColumns("i");
    private static final RowMapper<IdentityRow> MAPPER = mapper("");
    static final RowMapper<IdentityRow> JOINED_MAPPER = mapper("i_");
    private static final RowMapper<IdentityRow> OTHER_MAPPER = mapper("o_");

    /** The identity {@code i}, its user {@code u}, and one of the user's identities {@code o}. */
    static final String WITH_USER_COLUMNS = JOINED_COLUMNS + ", " + joinedColumns("o") + ", u."
            + UserDao.COLUMNS.replace(", ", ", u.") + ", " + UserWithIdentities.PASSKEYS;
    /** The join that gives one row for each identity {@code o} of the user that identity {@code i} belongs to. */
    static final String WITH_USER_JOIN = """
             FROM identities i JOIN users u ON u.id = i.user_id JOIN identities o ON o.user_id = u.id
            WHERE i.provider = :provider AND i.subject = :subject
            ORDER BY o.linked_at, o.provider""";
    private static final String WITH_USER = "SELECT " + WITH_USER_COLUMNS + WITH_USER_JOIN;

    private final Handle handle;

    public IdentityDao(Handle handle) {
        this.handle = handle;
    }

    private static String joinedColumns(String alias) {
        return COLUMNS.replace("\n", " ").replaceAll("\\s+", " ").strip().replaceAll("(\\w+)", alias + ".$1 AS " + alias + "_$1");
    }

    private static RowMapper<IdentityRow> mapper(String prefix) {
        return (row, ctx) -> new IdentityRow(Columns.uuid(row, prefix + "id"), Columns.uuid(row, prefix + "user_id"),
                row.getString(prefix + "provider"), row.getString(prefix + "subject"), row.getString(prefix + "email"),
                row.getBoolean(prefix + "email_verified"), row.getBoolean(prefix + "is_private_email"),
                Columns.instant(row, prefix + "linked_at"), Columns.instant(row, prefix + "last_sign_in_at"),
                Columns.instant(row, prefix + "sign_in_disabled_at"));
    }

    public void insert(IdentityRow identity) {
        handle.createUpdate("""
                        INSERT INTO identities (id, user_id, provider, subject, email, email_verified, is_private_email,
                                                linked_at, last_sign_in_at)
                        VALUES (:id, :userId, :provider, :subject, :email, :emailVerified, :isPrivateEmail, :linkedAt,
                                :lastSignInAt)""")
                .bind("id", identity.id()).bind("userId", identity.userId()).bind("provider", identity.provider())
                .bind("subject", identity.subject()).bindByType("email", identity.email(), String.class)
                .bind("emailVerified", identity.emailVerified()).bind("isPrivateEmail", identity.isPrivateEmail())
                .bind("linkedAt", identity.linkedAt()).bind("lastSignInAt", identity.lastSignInAt())
                .execute();
    }

    public Optional<IdentityRow> find(String provider, String subject) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM identities WHERE provider = :provider AND subject = :subject")
                .bind("provider", provider).bind("subject", subject).map(MAPPER).findOne();
    }

    /**
     * The identity, its user and every identity of that user (the profile a sign-in answers), in
     * one statement: the first read of every sign-in.
     */
    public Optional<IdentityWithUser> findWithUser(String provider, String subject) {
        return withUser(handle.createQuery(WITH_USER)
                .bind("provider", provider).bind("subject", subject)
                .map(IdentityDao::withUserRow)
                .list());
    }

    /** One row of {@link #WITH_USER_COLUMNS}: the identity, its user, and one of the user's identities. */
    static IdentityWithUser withUserRow(java.sql.ResultSet row, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        return new IdentityWithUser(JOINED_MAPPER.map(row, ctx),
                new UserWithIdentities(UserDao.MAPPER.map(row, ctx), List.of(OTHER_MAPPER.map(row, ctx)),
                        row.getInt("passkeys")));
    }

    /** The rows of {@link #withUserRow}, one a user's identity, as one. */
    static Optional<IdentityWithUser> withUser(List<IdentityWithUser> rows) {
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        final List<IdentityRow> all = rows.stream().map(row -> row.user().identities().getFirst()).toList();
        return Optional.of(new IdentityWithUser(rows.getFirst().identity(),
                new UserWithIdentities(rows.getFirst().user().user(), all, rows.getFirst().user().passkeys())));
    }

    public List<IdentityRow> findByUser(UUID userId) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM identities WHERE user_id = :userId ORDER BY linked_at, provider")
                .bind("userId", userId).map(MAPPER).list();
    }

    /** The identities of several users (a page of the admin list), each user's as they were linked. */
    public List<IdentityRow> findByUsers(List<UUID> userIds) {
        return handle.createQuery("SELECT " + COLUMNS
                        + " FROM identities WHERE user_id = ANY(:userIds) ORDER BY user_id, linked_at, provider")
                .bindArray("userIds", UUID.class, userIds).map(MAPPER).list();
    }

    /** Records a sign-in; an e-mail the provider no longer sends is kept, not erased. */
    public int recordSignIn(UUID id, String email, boolean emailVerified, boolean isPrivateEmail, Instant now) {
        return handle.createUpdate("""
                        UPDATE identities SET
                            email = COALESCE(:email, email),
                            email_verified = CASE WHEN :email IS NULL THEN email_verified ELSE :emailVerified END,
                            is_private_email = CASE WHEN :email IS NULL THEN is_private_email ELSE :isPrivateEmail END,
                            last_sign_in_at = :now
                        WHERE id = :id""")
                .bind("id", id).bindByType("email", email, String.class).bind("emailVerified", emailVerified)
                .bind("isPrivateEmail", isPrivateEmail).bind("now", now).execute();
    }

    public int delete(UUID userId, String provider) {
        return handle.createUpdate("DELETE FROM identities WHERE user_id = :userId AND provider = :provider")
                .bind("userId", userId).bind("provider", provider).execute();
    }

    /** The provider's refresh token for this identity, sealed, and the exchange that got it. */
    public int storeProviderToken(String provider, String subject, String clientId, byte[] sealed, String keyId,
                                  Instant now) {
        return handle.createUpdate("""
                        UPDATE identities SET client_id = :clientId, provider_token_sealed = :sealed,
                                              provider_token_key_id = :keyId, token_exchange_status = 'ok',
                                              token_exchange_error = NULL, token_exchanged_at = :now
                        WHERE provider = :provider AND subject = :subject""")
                .bind("provider", provider).bind("subject", subject).bind("clientId", clientId).bind("sealed", sealed)
                .bind("keyId", keyId).bind("now", now).execute();
    }

    /** A failed exchange, kept on the identity for operators; the error names no token. */
    public int recordExchangeFailure(String provider, String subject, String error, Instant now) {
        return handle.createUpdate("""
                        UPDATE identities SET token_exchange_status = 'failed', token_exchange_error = left(:error, 500),
                                              token_exchanged_at = :now
                        WHERE provider = :provider AND subject = :subject""")
                .bind("provider", provider).bind("subject", subject).bind("error", error).bind("now", now).execute();
    }

    /** The sealed provider tokens of a user's identities (of one provider, or all when null). */
    public List<SealedProviderToken> sealedTokens(UUID userId, String provider) {
        return handle.createQuery("""
                        SELECT provider, client_id, provider_token_sealed, provider_token_key_id FROM identities
                        WHERE user_id = :userId AND provider_token_sealed IS NOT NULL
                          AND (CAST(:provider AS text) IS NULL OR provider = :provider)""")
                .bind("userId", userId).bindByType("provider", provider, String.class)
                .map((row, ctx) -> new SealedProviderToken(row.getString("provider"), row.getString("client_id"),
                        row.getBytes("provider_token_sealed"), row.getString("provider_token_key_id")))
                .list();
    }

    public int forgetProviderToken(String provider, String subject) {
        return handle.createUpdate("""
                        UPDATE identities SET provider_token_sealed = NULL, provider_token_key_id = NULL
                        WHERE provider = :provider AND subject = :subject""")
                .bind("provider", provider).bind("subject", subject).execute();
    }

    public int setEmailRelayDisabled(String provider, String subject, boolean disabled) {
        return handle.createUpdate("""
                        UPDATE identities SET email_relay_disabled = :disabled WHERE provider = :provider AND subject = :subject""")
                .bind("provider", provider).bind("subject", subject).bind("disabled", disabled).execute();
    }

    public int setSignInDisabled(String provider, String subject, Instant at) {
        return handle.createUpdate("UPDATE identities SET sign_in_disabled_at = :at WHERE provider = :provider AND subject = :subject")
                .bind("provider", provider).bind("subject", subject).bindByType("at", at, Instant.class).execute();
    }

    public int deleteBySubject(String provider, String subject) {
        return handle.createUpdate("DELETE FROM identities WHERE provider = :provider AND subject = :subject")
                .bind("provider", provider).bind("subject", subject).execute();
    }

    public int countOfUser(UUID userId) {
        return handle.createQuery("SELECT count(*) FROM identities WHERE user_id = :userId")
                .bind("userId", userId).mapTo(int.class).one();
    }

    /** An Apple identity on its way to another team: its row, subject, transfer identifier and e-mail. */
    public record Transfer(UUID id, UUID userId, String subject, String transferSub, String email) {
    }

    /**
     * The next {@code limit} Apple identities after {@code after} (in id order) that have
     * ({@code prepared}) or have not a transfer identifier yet: the transfer commands' batches.
     */
    public List<Transfer> appleTransfers(UUID after, boolean prepared, int limit) {
        return handle.createQuery("SELECT id, user_id, subject, transfer_sub, email FROM identities"
                        + " WHERE provider = 'apple' AND id > :after AND transfer_sub IS " + (prepared ? "NOT NULL" : "NULL")
                        + " ORDER BY id LIMIT :limit")
                .bind("after", after).bind("limit", limit)
                .map((row, ctx) -> new Transfer(Columns.uuid(row, "id"), Columns.uuid(row, "user_id"),
                        row.getString("subject"), row.getString("transfer_sub"), row.getString("email")))
                .list();
    }

    /** The user whose Apple identity holds this transfer identifier, if one does. */
    public Optional<UUID> userOfTransferSub(String transferSub) {
        return handle.createQuery("SELECT user_id FROM identities WHERE provider = 'apple' AND transfer_sub = :transferSub")
                .bind("transferSub", transferSub).map((row, ctx) -> Columns.uuid(row, "user_id")).findOne();
    }

    /** Stores the transfer identifier Apple gave for an identity that had none; 1 when it did. */
    public int setTransferSub(UUID id, String transferSub) {
        return handle.createUpdate("UPDATE identities SET transfer_sub = :transferSub WHERE id = :id AND transfer_sub IS NULL")
                .bind("id", id).bind("transferSub", transferSub).execute();
    }

    /**
     * Moves the Apple identity whose transfer identifier this is to its subject under the new team,
     * with its new address, and clears the identifier; the user's address follows when it was the
     * identity's old one (a relay address works for one team only). The old team's refresh token
     * goes too: the new team can neither use nor revoke it. The user's id when it moved.
     */
    public Optional<UUID> moveTransferred(String transferSub, String subject, String email, boolean emailVerified,
                                          boolean isPrivateEmail, Instant now) {
        return handle.createQuery("""
                        WITH moved AS (
                            UPDATE identities i SET subject = :subject, email = :email, email_verified = :emailVerified,
                                   is_private_email = :isPrivateEmail, transfer_sub = NULL,
                                   provider_token_sealed = NULL, provider_token_key_id = NULL
                              FROM (SELECT id, email AS old_email FROM identities
                                     WHERE provider = 'apple' AND transfer_sub = :transferSub FOR UPDATE) old
                             WHERE i.id = old.id
                            RETURNING i.user_id, old.old_email),
                        user_email AS (
                            UPDATE users u SET email = :email, updated_at = :now FROM moved
                             WHERE u.id = moved.user_id AND :email IS NOT NULL AND u.email = moved.old_email)
                        SELECT user_id FROM moved""")
                .bind("transferSub", transferSub).bind("subject", subject)
                .bindByType("email", email, String.class).bind("emailVerified", emailVerified)
                .bind("isPrivateEmail", isPrivateEmail).bind("now", now)
                .map((row, ctx) -> Columns.uuid(row, "user_id"))
                .findOne();
    }
}
