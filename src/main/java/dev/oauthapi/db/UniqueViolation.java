package dev.oauthapi.db;

import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.sql.SQLException;

/** PostgreSQL's answer when an insert lost a race on a unique key: the caller decides what it means. */
public final class UniqueViolation {
    private static final String SQL_STATE = "23505";

    private UniqueViolation() {
    }

    public static boolean is(UnableToExecuteStatementException e) {
        return e.getCause() instanceof SQLException sql && SQL_STATE.equals(sql.getSQLState());
    }
}
