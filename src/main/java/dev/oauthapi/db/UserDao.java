package dev.oauthapi.db;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.postgresql.PGStatement;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * SQL on {@code users}. Like every DAO here, a plain class over the caller's {@link Handle}, not a
 * JDBI SQL object: attaching a SQL object copies its configuration for every method on each call,
 * which was most of the cost of an authenticated request. Creating one of these costs nothing.
 */
public final class UserDao {
    static final String COLUMNS = "id, email, email_verified, name, avatar_url, role, disabled_at, created_at, updated_at,"
            + " is_anonymous";
    static final RowMapper<UserRow> MAPPER = (row, ctx) -> new UserRow(Columns.uuid(row, "id"), row.getString("email"),
            row.getBoolean("email_verified"), row.getString("name"), row.getString("avatar_url"), row.getString("role"),
            Columns.instant(row, "disabled_at"), Columns.instant(row, "created_at"), Columns.instant(row, "updated_at"),
            row.getBoolean("is_anonymous"));

    private static final String WITH_IDENTITIES = "SELECT u." + COLUMNS.replace(", ", ", u.") + ", "
            + UserWithIdentities.PASSKEYS + ", " + IdentityDao.JOINED_COLUMNS + """
             FROM users u LEFT JOIN identities i ON i.user_id = u.id
            WHERE u.id = :id
            ORDER BY i.linked_at, i.provider""";

    /**
     * A user with what the admin API shows beside it: the last sign-in through any identity, and
     * how many sessions can still be used (counted on the device-list index).
     */
    private static final String OVERVIEW = "SELECT u." + COLUMNS.replace(", ", ", u.") + """
            , (SELECT max(i.last_sign_in_at) FROM identities i WHERE i.user_id = u.id) AS last_sign_in_at,
              (SELECT count(*) FROM sessions s WHERE s.user_id = u.id AND s.revoked_at IS NULL
                  AND s.expires_at > :now AND s.absolute_expires_at > :now) AS live_sessions,
            """ + UserWithIdentities.PASSKEYS + " FROM users u";
    private static final RowMapper<UserOverviewRow> OVERVIEW_MAPPER = (row, ctx) -> new UserOverviewRow(
            MAPPER.map(row, ctx), Columns.instant(row, "last_sign_in_at"), row.getInt("live_sessions"),
            row.getInt("passkeys"));

    private final Handle handle;

    public UserDao(Handle handle) {
        this.handle = handle;
    }

    public void insert(UserRow user) {
        handle.createUpdate("""
                        INSERT INTO users (id, email, email_verified, name, avatar_url, role, disabled_at, created_at,
                                           updated_at, is_anonymous)
                        VALUES (:id, :email, :emailVerified, :name, :avatarUrl, :role, :disabledAt, :createdAt, :updatedAt,
                                :anonymous)""")
                .bind("id", user.id()).bindByType("email", user.email(), String.class)
                .bind("emailVerified", user.emailVerified()).bindByType("name", user.name(), String.class)
                .bindByType("avatarUrl", user.avatarUrl(), String.class).bind("role", user.role())
                .bindByType("disabledAt", user.disabledAt(), Instant.class).bind("createdAt", user.createdAt())
                .bind("updatedAt", user.updatedAt()).bind("anonymous", user.anonymous())
                .execute();
    }

    public Optional<UserRow> find(UUID id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id")
                .bind("id", id).map(MAPPER).findOne();
    }

    /** Locks the user's row until the transaction ends: changes to its identities take turns. */
    public Optional<UserRow> lock(UUID id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id FOR UPDATE")
                .bind("id", id).map(MAPPER).findOne();
    }

    /** Locks the user's row against changes (not against other readers) until the transaction ends. */
    public Optional<UserRow> lockShared(UUID id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id FOR SHARE")
                .bind("id", id).map(MAPPER).findOne();
    }

    /**
     * The user and every identity linked to it, in one statement (the profile every sign-in and
     * {@code /api/users/me} answer with); identities ordered as they were linked.
     */
    public Optional<UserWithIdentities> findWithIdentities(UUID id) {
        final List<UserWithIdentities.Joined> rows = handle.createQuery(WITH_IDENTITIES)
                .bind("id", id)
                .map((row, ctx) -> new UserWithIdentities.Joined(MAPPER.map(row, ctx),
                        row.getObject("i_id") == null ? null : IdentityDao.JOINED_MAPPER.map(row, ctx),
                        row.getInt("passkeys")))
                .list();
        return UserWithIdentities.of(rows);
    }

    /**
     * Makes the transactions that look an address up take turns, until this one ends (an advisory
     * lock on the address, ignoring case): two first sign-ins with one address would otherwise both
     * find no user and make two.
     */
    public void lockEmail(String email) {
        handle.execute("SELECT pg_advisory_xact_lock(hashtext(lower(?)))", email);
    }

    /** Users whose verified address equals this one ignoring case (the partial index serves it). */
    public List<UserRow> findByVerifiedEmail(String email) {
        return handle.createQuery("SELECT " + COLUMNS
                        + " FROM users WHERE email_verified AND lower(email) = lower(:email) ORDER BY created_at")
                .bind("email", email).map(MAPPER).list();
    }

    /** Fills profile fields that are still empty; never overwrites a value with another or with nothing. */
    public int fillEmptyProfile(UUID id, String email, boolean emailVerified, String name, String avatarUrl, Instant now) {
        return handle.createUpdate("""
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
                .bind("id", id).bindByType("email", email, String.class).bind("emailVerified", emailVerified)
                .bindByType("name", name, String.class).bindByType("avatarUrl", avatarUrl, String.class).bind("now", now)
                .execute();
    }

    /** A guest becomes a full account (it linked an identity or added a passkey); 1 when it was a guest. */
    public int upgradeGuest(UUID id, Instant now) {
        return handle.createUpdate("UPDATE users SET is_anonymous = false, updated_at = :now WHERE id = :id AND is_anonymous")
                .bind("id", id).bind("now", now).execute();
    }

    /**
     * Deletes up to {@code batch} guests that have had no live session since {@code cutoff} (every
     * session of theirs ended before it: revoked, or past its idle expiry) and were made before it,
     * and audits each as {@code event}, in one statement. Their sessions go with them (the foreign
     * key cascades); none was live, so no access token needs a tombstone. Returns how many went.
     */
    public int purgeGuests(Instant cutoff, int batch, String event, Instant now) {
        return handle.createUpdate("""
                        WITH gone AS (
                            DELETE FROM users WHERE id IN (
                                SELECT u.id FROM users u
                                 WHERE u.is_anonymous AND u.created_at < :cutoff
                                   AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id
                                                      AND COALESCE(s.revoked_at, LEAST(s.expires_at, s.absolute_expires_at)) >= :cutoff)
                                 ORDER BY u.created_at LIMIT :batch
                                 FOR UPDATE SKIP LOCKED)
                            RETURNING id)
                        INSERT INTO audit_log (occurred_at, event, user_id, details)
                        SELECT :now, :event, id, '{"retention": true}'::jsonb FROM gone""")
                .bind("cutoff", cutoff).bind("batch", batch).bind("event", event).bind("now", now).execute();
    }

    public int delete(UUID id) {
        return handle.createUpdate("DELETE FROM users WHERE id = :id").bind("id", id).execute();
    }

    public int disable(UUID id, Instant now) {
        return handle.createUpdate("UPDATE users SET disabled_at = :now, updated_at = :now WHERE id = :id AND disabled_at IS NULL")
                .bind("id", id).bind("now", now).execute();
    }

    public int setRole(UUID id, String role, Instant now) {
        return handle.createUpdate("UPDATE users SET role = :role, updated_at = :now WHERE id = :id")
                .bind("id", id).bind("role", role).bind("now", now).execute();
    }

    /**
     * Superadmins who are not disabled, counted under a lock that makes concurrent demotions,
     * disables and deletes take turns.
     */
    public int countActiveSuperadminsLocked() {
        handle.execute("SELECT pg_advisory_xact_lock(hashtext('oauth-api:superadmins'))");
        return handle.createQuery("SELECT count(*) FROM users WHERE role = 'superadmin' AND disabled_at IS NULL")
                .mapTo(Integer.class).one();
    }

    /** Users whose e-mail is this one, ignoring case (at most a few: addresses are not unique). */
    public List<UserRow> findByEmail(String email) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM users WHERE lower(email) = lower(:email) ORDER BY created_at")
                .bind("email", email).map(MAPPER).list();
    }

    public int enable(UUID id, Instant now) {
        return handle.createUpdate("UPDATE users SET disabled_at = NULL, updated_at = :now WHERE id = :id")
                .bind("id", id).bind("now", now).execute();
    }

    public int updateProfile(UUID id, String name, String avatarUrl, Instant now) {
        return handle.createUpdate("""
                        UPDATE users SET name = COALESCE(:name, name), avatar_url = COALESCE(:avatarUrl, avatar_url), updated_at = :now
                        WHERE id = :id""")
                .bind("id", id).bindByType("name", name, String.class).bindByType("avatarUrl", avatarUrl, String.class)
                .bind("now", now).execute();
    }

    /**
     * What the admin user list is narrowed to; a null member narrows nothing. {@code prefix} is the
     * start of an e-mail address or a name, matched ignoring case.
     */
    public record Filter(String prefix, String role, String provider, Boolean disabled, Boolean anonymous) {
    }

    public Optional<UserOverviewRow> overview(UUID id, Instant now) {
        return handle.createQuery(OVERVIEW + " WHERE u.id = :id")
                .bind("id", id).bind("now", now).map(OVERVIEW_MAPPER).findOne();
    }

    /**
     * Up to {@code limit} users, newest first, after the position {@code (afterAt, afterId)} of the
     * last user of the previous page (both null for the first page): a user created meanwhile
     * shifts no page, and no page is an OFFSET scan. Only the conditions asked for are in the
     * statement, so the planner sees each one.
     */
    public List<UserOverviewRow> page(Filter filter, Instant afterAt, UUID afterId, int limit, Instant now) {
        final Conditions conditions = new Conditions()
                .with("(lower(u.email) LIKE lower(:prefix) OR lower(u.name) LIKE lower(:prefix))", "prefix",
                        filter.prefix() == null ? null : likePrefix(filter.prefix()))
                .with("u.role = :role", "role", filter.role())
                .with("EXISTS (SELECT 1 FROM identities p WHERE p.user_id = u.id AND p.provider = :provider)", "provider",
                        filter.provider());
        if (filter.disabled() != null) {
            conditions.with(filter.disabled() ? "u.disabled_at IS NOT NULL" : "u.disabled_at IS NULL", Map.of());
        }
        if (filter.anonymous() != null) {
            conditions.with(filter.anonymous() ? "u.is_anonymous" : "NOT u.is_anonymous", Map.of());
        }
        if (afterAt != null) {
            conditions.with("(u.created_at, u.id) < (:afterAt, :afterId)", Map.of("afterAt", afterAt, "afterId", afterId));
        }
        final Query query = conditions.bind(handle.createQuery(OVERVIEW + conditions.where()
                        + " ORDER BY u.created_at DESC, u.id DESC LIMIT :limit"))
                .bind("now", now).bind("limit", limit);
        if (filter.prefix() != null) {
            // Planned with its value every time: a plan made for any prefix (what a server-side
            // prepared statement gets after a few runs) cannot use the prefix indexes for LIKE.
            query.addCustomizer(new StatementCustomizer() {
                @Override
                public void beforeExecution(PreparedStatement statement, StatementContext context) throws SQLException {
                    statement.unwrap(PGStatement.class).setPrepareThreshold(0);
                }
            });
        }
        return query.map(OVERVIEW_MAPPER).list();
    }

    /** {@code text} as the start of a LIKE pattern: its own {@code %}, {@code _} and {@code \} match themselves. */
    private static String likePrefix(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
