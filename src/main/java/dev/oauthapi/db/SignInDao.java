package dev.oauthapi.db;

import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatements;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The sign-in of a known identity, in one statement: find the identity with its user and profile,
 * record the sign-in on it, start the session and write the audit row, the last three only when the
 * user is enabled and the provider has not disabled sign-in through the identity. And the first
 * sign-in of a new user, in one statement too. It writes session rows: only {@code sessions/} uses
 * it ({@code LayeringTest}). See {@link UserDao}.
 */
public final class SignInDao {
    /**
     * What the statement saw before it wrote (the identity as it was, its user and every identity
     * of the user), and whether it started the session.
     */
    public record KnownIdentity(IdentityWithUser found, boolean started) {
    }

    private static final String RECORD_AND_START = """
            WITH found AS (
                SELECT i.id, i.user_id FROM identities i JOIN users u ON u.id = i.user_id
                 WHERE i.provider = :provider AND i.subject = :subject
                   AND u.disabled_at IS NULL AND i.sign_in_disabled_at IS NULL),
            recorded AS (
                UPDATE identities SET
                    email = COALESCE(:email, email),
                    email_verified = CASE WHEN :email IS NULL THEN email_verified ELSE :emailVerified END,
                    is_private_email = CASE WHEN :email IS NULL THEN is_private_email ELSE :isPrivateEmail END,
                    last_sign_in_at = :createdAt
                 WHERE id = (SELECT id FROM found)
                RETURNING id),
            %s
            SELECT %s, (SELECT count(*) FROM session) AS started
            """;
    /**
     * Every sign-in's end, as CTEs: the session from the one row (with {@code user_id}) of the CTE
     * named first, older releases' refresh token row while their kind is issued, and the audit row.
     */
    private static final String START_SESSION = """
            session AS (
                INSERT INTO sessions (id, user_id, provider, client_id, platform, device_name, app_version, ip_address,
                                      user_agent, created_at, last_used_at, expires_at, absolute_expires_at,
                                      refresh_generation, refresh_hash, passkey_id, dpop_jkt)
                SELECT :id, user_id, :provider, :clientId, :platform, :deviceName, :appVersion, CAST(:ipAddress AS inet),
                       :userAgent, :createdAt, :lastUsedAt, :expiresAt, :absoluteExpiresAt, 0, :refreshHash,
                       CAST(:passkeyId AS uuid), :dpopJkt
                  FROM %s
                RETURNING id, user_id),
            %s
            audit AS (
                INSERT INTO audit_log (occurred_at, event, user_id, actor_id, session_id, ip_address, request_id, details)
                SELECT :createdAt, :event, user_id, user_id, id, CAST(:ipAddress AS inet), :requestId,
                       CAST(:details AS jsonb)
                  FROM session
                RETURNING 1)""";
    /** Older releases find a refresh token by its row: while their kind is issued, it gets one. */
    private static final String LEGACY_TOKEN = """
            legacy_token AS (
                INSERT INTO refresh_tokens (token_hash, session_id, generation, issued_at)
                SELECT :legacyTokenHash, id, 0, :createdAt FROM session
                RETURNING 1),""";
    private static final String STATEMENT = RECORD_AND_START.formatted(startFrom("found", false),
            IdentityDao.WITH_USER_COLUMNS) + IdentityDao.WITH_USER_JOIN;
    private static final String LEGACY_STATEMENT = RECORD_AND_START.formatted(startFrom("found", true),
            IdentityDao.WITH_USER_COLUMNS) + IdentityDao.WITH_USER_JOIN;

    /** A new user with its first identity, session and audit row: the first sign-in, together. */
    private static final String SIGN_UP = """
            WITH new_user AS (
                INSERT INTO users (id, email, email_verified, name, avatar_url, role, created_at, updated_at)
                VALUES (:userId, :userEmail, :userEmailVerified, :name, :avatarUrl, :role, :createdAt, :createdAt)
                RETURNING id),
            identity AS (
                INSERT INTO identities (id, user_id, provider, subject, email, email_verified, is_private_email,
                                        linked_at, last_sign_in_at)
                SELECT :identityId, id, :provider, :subject, :email, :emailVerified, :isPrivateEmail, :createdAt,
                       :createdAt
                  FROM new_user
                RETURNING user_id),
            %s
            SELECT count(*) FROM audit
            """;

    /**
     * A sign-in with a passkey: the counter it was checked against moves (only if no other sign-in
     * moved it, and only while the user is enabled), the session starts and is audited, and the
     * user is read with its identities, together.
     */
    private static final String PASSKEY = """
            WITH used AS (
                UPDATE passkeys p SET sign_count = :signCount, backed_up = :backedUp, last_used_at = :createdAt
                  FROM users owner
                 WHERE p.id = :passkeyId AND p.sign_count = :checkedCount
                   AND owner.id = p.user_id AND owner.disabled_at IS NULL
                RETURNING p.user_id),
            %s
            SELECT (SELECT count(*) FROM session) AS started, u.%s, %s, %s
              FROM users u LEFT JOIN identities i ON i.user_id = u.id
             WHERE u.id = :userId
             ORDER BY i.linked_at, i.provider
            """;

    /** What a sign-in with a passkey found: its user as it was, and whether the session started. */
    public record PasskeySignIn(UserWithIdentities user, boolean started) {
    }

    private final org.jdbi.v3.core.Handle handle;

    private static String startFrom(String source, boolean legacy) {
        return START_SESSION.formatted(source, legacy ? LEGACY_TOKEN : "");
    }

    public SignInDao(org.jdbi.v3.core.Handle handle) {
        this.handle = handle;
    }

    /**
     * A sign-in with a passkey of {@code session}'s user, in one statement. Empty when the user is
     * gone; {@code started} false when the user is disabled or another sign-in moved the counter.
     */
    public Optional<PasskeySignIn> signInWithPasskey(UUID passkeyId, long checkedCount, long signCount,
                                                     boolean backedUp, SessionRow session, byte[] refreshHash,
                                                     byte[] legacyTokenHash, String event, String requestId,
                                                     String details) {
        final Query query = SessionDao.bindSession(handle.createQuery(PASSKEY.formatted(
                                startFrom("used", legacyTokenHash != null), UserDao.COLUMNS.replace(", ", ", u."),
                                UserWithIdentities.PASSKEYS, IdentityDao.JOINED_COLUMNS))
                        .configure(SqlStatements.class, statements -> statements.setUnusedBindingAllowed(true)), session)
                .bind("passkeyId", passkeyId).bind("checkedCount", checkedCount).bind("signCount", signCount)
                .bind("backedUp", backedUp).bindByType("refreshHash", refreshHash, byte[].class)
                .bind("event", event).bindByType("requestId", requestId, String.class).bind("details", details);
        if (legacyTokenHash != null) {
            query.bind("legacyTokenHash", legacyTokenHash);
        }
        final List<UserWithIdentities.Joined> rows = new java.util.ArrayList<>();
        final boolean[] started = {false};
        query.map((row, ctx) -> {
            started[0] = row.getLong("started") > 0;
            return new UserWithIdentities.Joined(UserDao.MAPPER.map(row, ctx),
                    row.getObject("i_id") == null ? null : IdentityDao.JOINED_MAPPER.map(row, ctx),
                    row.getInt("passkeys"));
        }).forEach(rows::add);
        return UserWithIdentities.of(rows).map(user -> new PasskeySignIn(user, started[0]));
    }

    /**
     * The first sign-in of a new user, in one statement: the user, its identity, the session and
     * the audit row. {@code session} names the user; the user's and the identity's times are the
     * session's start. A concurrent first sign-in of the same identity fails it on the identity's
     * unique key, and nothing of it is stored.
     */
    public void signUp(UserRow user, IdentityRow identity, SessionRow session, byte[] refreshHash,
                       byte[] legacyTokenHash, String event, String requestId, String details) {
        final Query query = SessionDao.bindSession(handle.createQuery(SIGN_UP.formatted(
                                startFrom("identity", legacyTokenHash != null)))
                        .configure(SqlStatements.class, statements -> statements.setUnusedBindingAllowed(true)), session)
                .bindByType("userEmail", user.email(), String.class).bind("userEmailVerified", user.emailVerified())
                .bindByType("name", user.name(), String.class).bindByType("avatarUrl", user.avatarUrl(), String.class)
                .bind("role", user.role()).bind("identityId", identity.id()).bind("subject", identity.subject())
                .bindByType("email", identity.email(), String.class).bind("emailVerified", identity.emailVerified())
                .bind("isPrivateEmail", identity.isPrivateEmail()).bindByType("refreshHash", refreshHash, byte[].class)
                .bind("event", event).bindByType("requestId", requestId, String.class).bind("details", details)
                .bindByType("passkeyId", null, UUID.class);
        if (legacyTokenHash != null) {
            query.bind("legacyTokenHash", legacyTokenHash);
        }
        if (query.mapTo(Long.class).one() != 1) {
            throw new IllegalStateException("a new user's sign-in stored no session");
        }
    }

    /**
     * Empty when the identity is unknown. {@code refreshHash} is the first refresh secret's hash on
     * the session row, or, with {@code legacyTokenHash}, null (the token goes to its own row).
     */
    public Optional<KnownIdentity> signIn(String subject, String email, boolean emailVerified, boolean isPrivateEmail,
                                          SessionRow session, byte[] refreshHash, byte[] legacyTokenHash,
                                          String event, String requestId, String details) {
        // The session's user is the identity's, found by the statement: its userId goes unused.
        final Query query = SessionDao.bindSession(handle.createQuery(
                        legacyTokenHash == null ? STATEMENT : LEGACY_STATEMENT)
                .configure(SqlStatements.class, statements -> statements.setUnusedBindingAllowed(true)), session)
                .bind("subject", subject).bindByType("email", email, String.class).bind("emailVerified", emailVerified)
                .bind("isPrivateEmail", isPrivateEmail).bindByType("refreshHash", refreshHash, byte[].class)
                .bind("event", event).bindByType("requestId", requestId, String.class).bind("details", details)
                .bindByType("passkeyId", null, UUID.class);
        if (legacyTokenHash != null) {
            query.bind("legacyTokenHash", legacyTokenHash);
        }
        final List<KnownIdentity> rows = query
                .map((row, ctx) -> new KnownIdentity(IdentityDao.withUserRow(row, ctx), row.getLong("started") > 0))
                .list();
        return IdentityDao.withUser(rows.stream().map(KnownIdentity::found).toList())
                .map(found -> new KnownIdentity(found, rows.getFirst().started()));
    }
}
