package dev.oauthapi.errors;

import dev.oauthapi.redis.RedisUnavailable;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Whether a failure means a data store cannot be reached right now (the answer is {@code 503
 * service_unavailable}, worth retrying), as opposed to a bug: one judgement, for the exception
 * mapper and for flows that must answer through a redirect instead.
 */
public final class DataStores {
    private DataStores() {
    }

    public static boolean areUnavailable(Throwable failure) {
        return isDatabaseUnavailable(failure) || isRedisUnavailable(failure);
    }

    /**
     * No connection could be had, or the one we had broke: SQL state class 08, a server shutting
     * down or starting (57P01-57P03: the connection a pool kept is terminated), or the pool gave up.
     */
    private static boolean isDatabaseUnavailable(Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.jdbi.v3.core.ConnectionException
                    || cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))
                    || cause.getClass().getName().equals("org.apache.tomcat.jdbc.pool.PoolExhaustedException")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRedisUnavailable(Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof RedisUnavailable) {
                return true;
            }
        }
        return false;
    }
}
