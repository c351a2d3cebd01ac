package dev.oauthapi.db;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.NoTemplateEngine;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementExceptions;

/** How JDBI runs our statements: as written, seen by {@code statements}, and named (never their arguments) in errors. */
public final class Statements {
    private Statements() {
    }

    public static Jdbi tune(Jdbi jdbi, SqlLogger statements) {
        // Our SQL is plain text with named parameters, never a template: Dropwizard's template
        // engine re-lexed every statement, and its SQL logger kept a timer per statement; together
        // they cost more than the queries. The pool's own metrics stay.
        jdbi.setTemplateEngine(new NoTemplateEngine());
        jdbi.setSqlLogger(statements);
        // SQL errors end up in logs: name the statement, never its arguments (e-mail addresses, hashes).
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(error ->
                "statement: " + abbreviate(error.getStatementContext().getRawSql()));
        return jdbi;
    }

    private static String abbreviate(String sql) {
        final String oneLine = sql == null ? "?" : sql.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
