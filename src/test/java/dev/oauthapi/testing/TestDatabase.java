package dev.oauthapi.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads (and, for set-up, writes) a test service's database directly, to assert the state left behind. */
public final class TestDatabase {
    private final String database;

    public TestDatabase(Map<String, String> env) {
        this.database = env.get("DATABASE_NAME");
    }

    public long count(String table) {
        return ((Number) one("SELECT count(*) AS n FROM " + table).get("n")).longValue();
    }

    /** Row counts of every table a sign-in writes, to compare before and after a refusal. */
    public Map<String, Long> counts() {
        final Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : List.of("users", "identities", "sessions", "refresh_tokens", "audit_log")) {
            counts.put(table, count(table));
        }
        return counts;
    }

    public Map<String, Object> one(String sql, Object... parameters) {
        final List<Map<String, Object>> rows = rows(sql, parameters);
        if (rows.size() != 1) {
            throw new IllegalStateException("Expected one row, got " + rows.size() + ": " + sql);
        }
        return rows.getFirst();
    }

    public List<Map<String, Object>> rows(String sql, Object... parameters) {
        try (Connection db = TestPostgres.shared().connect(database);
             PreparedStatement statement = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            final List<Map<String, Object>> rows = new ArrayList<>();
            if (!statement.execute()) {
                return rows;
            }
            try (ResultSet result = statement.getResultSet()) {
                while (result.next()) {
                    final Map<String, Object> row = new LinkedHashMap<>();
                    for (int column = 1; column <= result.getMetaData().getColumnCount(); column++) {
                        row.put(result.getMetaData().getColumnLabel(column), result.getObject(column));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public void execute(String sql, Object... parameters) {
        rows(sql, parameters);
    }
}
