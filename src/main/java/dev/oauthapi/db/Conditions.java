package dev.oauthapi.db;

import org.jdbi.v3.core.statement.Query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The WHERE clause of a filtered list: only the conditions asked for, each with its parameters, so
 * the planner sees the query as it is (no {@code :x IS NULL OR ...} that hides every index).
 * Conditions are fixed SQL text; values are only ever bound.
 */
final class Conditions {
    private final List<String> sql = new ArrayList<>();
    private final Map<String, Object> parameters = new LinkedHashMap<>();

    /** {@code condition}, naming {@code :name}, when {@code value} is not null. */
    Conditions with(String condition, String name, Object value) {
        return value == null ? this : with(condition, Map.of(name, value));
    }

    /** {@code condition} with the parameters it names. */
    Conditions with(String condition, Map<String, Object> named) {
        sql.add(condition);
        parameters.putAll(named);
        return this;
    }

    String where() {
        return sql.isEmpty() ? "" : " WHERE " + String.join(" AND ", sql);
    }

    Query bind(Query query) {
        parameters.forEach(query::bind);
        return query;
    }
}
