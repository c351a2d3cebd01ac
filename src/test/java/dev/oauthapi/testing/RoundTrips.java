package dev.oauthapi.testing;

import dev.oauthapi.errors.RequestIds;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.slf4j.MDC;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the SQL statements and Redis round trips of each request, by the request's id (the
 * logging context's {@code requestId}, which a test sets through {@code X-Request-Id}). Work done
 * outside a request (background jobs) is not counted, so the counts are exact.
 */
public final class RoundTrips {
    private final Map<String, Counts> byRequest = new ConcurrentHashMap<>();

    /** What one request cost: the raw SQL of each statement, in order, and its Redis round trips. */
    public record Counts(List<String> statements, AtomicInteger redis) {
        public int redisRoundTrips() {
            return redis.get();
        }

        @Override
        public String toString() {
            return statements.size() + " statements " + statements + ", " + redis + " Redis round trips";
        }
    }

    public SqlLogger sqlLogger() {
        return new SqlLogger() {
            @Override
            public void logBeforeExecution(StatementContext context) {
                current().ifPresent(counts -> counts.statements().add(context.getRawSql().strip()));
            }
        };
    }

    public void redisRoundTrip() {
        current().ifPresent(counts -> counts.redis().incrementAndGet());
    }

    public Counts of(String requestId) {
        return byRequest.getOrDefault(requestId, new Counts(List.of(), new AtomicInteger()));
    }

    private java.util.Optional<Counts> current() {
        final String id = MDC.get(RequestIds.MDC_KEY);
        if (id == null) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(byRequest.computeIfAbsent(id,
                key -> new Counts(new CopyOnWriteArrayList<>(), new AtomicInteger())));
    }
}
