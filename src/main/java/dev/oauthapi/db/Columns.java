package dev.oauthapi.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Reading typed columns in the row mappers: timestamptz as {@link Instant}, uuid as {@link UUID}. */
final class Columns {
    private Columns() {
    }

    static Instant instant(ResultSet row, String column) throws SQLException {
        final OffsetDateTime at = row.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    static UUID uuid(ResultSet row, String column) throws SQLException {
        return row.getObject(column, UUID.class);
    }
}
