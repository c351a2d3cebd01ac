package dev.oauthapi.admin;

import dev.oauthapi.db.AuditDao;
import dev.oauthapi.db.AuditRow;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.sessions.Audit;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/** The audit log as the admin API reads it: filtered, newest first, a page at a time. */
public final class AuditTrail {
    private final Jdbi jdbi;
    private final PageCursors cursors;

    public AuditTrail(Jdbi jdbi, PageCursors cursors) {
        this.jdbi = jdbi;
        this.cursors = cursors;
    }

    /**
     * What the log is narrowed to; null narrows nothing.
     *
     * @param action an {@link Audit.Event} by its stored name
     * @param to     exclusive
     */
    public record Filter(UUID userId, UUID actorId, String action, Instant from, Instant to) {
    }

    /** One statement, on the index of the filter given (user, actor, action, or time). */
    public Page<AuditEvent> page(Filter filter, String cursor, int limit) {
        if (filter.action() != null && Arrays.stream(Audit.Event.values()).noneMatch(e -> e.stored().equals(filter.action()))) {
            throw new ApiException(ErrorCode.INVALID_REQUEST, "action: must be one of "
                    + Arrays.stream(Audit.Event.values()).map(Audit.Event::stored).collect(Collectors.joining(", ")) + ".");
        }
        final PageCursors.AuditPosition after = cursors.audit(cursor);
        final List<AuditRow> rows = jdbi.withHandle(handle -> new AuditDao(handle).page(
                new AuditDao.Filter(filter.userId(), filter.actorId(), filter.action(), filter.from(), filter.to()),
                after == null ? null : after.occurredAt(), after == null ? null : after.id(), limit + 1));
        final List<AuditRow> shown = rows.subList(0, Math.min(limit, rows.size()));
        return new Page<>(shown.stream().map(AuditTrail::event).toList(), rows.size() > limit
                ? cursors.after(new PageCursors.AuditPosition(shown.getLast().occurredAt(), shown.getLast().id())) : null);
    }

    private static AuditEvent event(AuditRow row) {
        return new AuditEvent(row.id(), row.occurredAt(), row.event(), row.userId(), row.actorId(), row.sessionId(),
                row.ipAddress(), row.requestId(), row.details());
    }
}
