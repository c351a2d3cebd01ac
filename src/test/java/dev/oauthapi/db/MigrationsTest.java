package dev.oauthapi.db;

import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestApp.CommandResult;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The real changelog through the jar's own {@code db} commands, on a real, empty PostgreSQL database. */
class MigrationsTest {
    private final Map<String, String> env = TestEnvironment.withFreshDatabase();
    private final String database = env.get("DATABASE_NAME");

    @Test
    void migratesAnEmptyDatabaseAndASecondRunChangesNothing() throws SQLException {
        final CommandResult first = TestApp.run(env, "db", "migrate", TestApp.CONFIG);
        assertThat(first.succeeded()).as(first.stderr()).isTrue();
        assertThat(tables()).contains("users", "identities", "sessions", "refresh_tokens", "audit_log", "passkeys");
        final List<String> applied = appliedChangeSets();
        assertThat(applied).containsExactly(
                "001-users", "002-identities", "003-sessions", "004-refresh-tokens", "005-audit-log", "006-provider-lifecycle",
                "007-server-secrets", "008-fillfactor", "009-audit-actor", "009-audit-actor-index", "009-audit-event-index",
                "009-users-created-index", "009-users-email-prefix-index", "009-users-name-prefix-index",
                "010-session-refresh", "010-sessions-absolute-expiry-index", "010-sessions-drop-expires-index",
                "011-passkeys", "011-sessions-validate", "011-users-webauthn-handle-index", "011-sessions-passkey-index",
                "012-app-attest-keys", "013-sessions-dpop", "014-users-anonymous", "014-sessions-validate",
                "014-users-anonymous-index", "015-identities-transfer-sub", "015-identities-transfer-sub-index");

        final CommandResult second = TestApp.run(env, "db", "migrate", TestApp.CONFIG);
        assertThat(second.succeeded()).as(second.stderr()).isTrue();
        assertThat(appliedChangeSets()).isEqualTo(applied);

        final CommandResult status = TestApp.run(env, "db", "status", TestApp.CONFIG);
        assertThat(status.succeeded()).as(status.stderr()).isTrue();
        assertThat(status.stdout()).contains("is up to date");
    }

    @Test
    void statusListsPendingChangeSetsOfAnEmptyDatabase() {
        final CommandResult status = TestApp.run(env, "db", "status", TestApp.CONFIG);

        assertThat(status.succeeded()).as(status.stderr()).isTrue();
        assertThat(status.stdout()).contains("28 changesets have not been applied");
    }

    @Test
    void oneIdentityPerProviderSubjectIsEnforcedByTheSchema() throws SQLException {
        TestApp.migrate(env);
        try (Connection db = TestPostgres.shared().connect(database); Statement sql = db.createStatement()) {
            sql.execute("INSERT INTO users (id, created_at, updated_at) VALUES "
                    + "('00000000-0000-0000-0000-000000000001', now(), now()), "
                    + "('00000000-0000-0000-0000-000000000002', now(), now())");
            sql.execute("INSERT INTO identities (id, user_id, provider, subject, linked_at, last_sign_in_at) VALUES "
                    + "(gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'google', 's1', now(), now())");

            assertThat(violates(sql, "INSERT INTO identities (id, user_id, provider, subject, linked_at, last_sign_in_at) "
                    + "VALUES (gen_random_uuid(), '00000000-0000-0000-0000-000000000002', 'google', 's1', now(), now())"))
                    .isEqualTo("identities_provider_subject_key");

            sql.execute("DELETE FROM users WHERE id = '00000000-0000-0000-0000-000000000001'");
            try (ResultSet rows = sql.executeQuery("SELECT count(*) FROM identities")) {
                rows.next();
                assertThat(rows.getInt(1)).as("identities go with their user").isZero();
            }
        }
    }

    private static String violates(Statement sql, String insert) {
        try {
            sql.execute(insert);
            return null;
        } catch (SQLException e) {
            return e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
                    ? p.getServerErrorMessage().getConstraint()
                    : e.getMessage();
        }
    }

    private List<String> tables() throws SQLException {
        return strings("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
    }

    private List<String> appliedChangeSets() throws SQLException {
        return strings("SELECT id FROM databasechangelog ORDER BY orderexecuted");
    }

    private List<String> strings(String query) throws SQLException {
        final List<String> values = new ArrayList<>();
        try (Connection db = TestPostgres.shared().connect(database);
             Statement sql = db.createStatement();
             ResultSet rows = sql.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
