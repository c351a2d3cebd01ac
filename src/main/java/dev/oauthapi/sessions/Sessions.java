package dev.oauthapi.sessions;

import dev.oauthapi.db.SessionDao;
import dev.oauthapi.db.SessionRow;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A user's sessions: the device list, ending one, and logging out. */
public final class Sessions {
    /** Which sessions a logout ends. */
    public enum Scope { CURRENT, OTHERS, ALL }

    private final Jdbi jdbi;
    private final SessionLifecycle lifecycle;
    private final Clock clock;

    public Sessions(Jdbi jdbi, SessionLifecycle lifecycle, Clock clock) {
        this.jdbi = jdbi;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    /** One signed-in device, as its user sees it in the session list. */
    public record DeviceSession(UUID id, String provider, String platform, String deviceName, String appVersion,
                                String ipAddress, String userAgent, Instant createdAt, Instant lastUsedAt,
                                Instant expiresAt) {
        static DeviceSession of(SessionRow row) {
            return new DeviceSession(row.id(), row.provider(), row.platform(), row.deviceName(), row.appVersion(),
                    row.ipAddress(), row.userAgent(), row.createdAt(), row.lastUsedAt(), row.expiresAt());
        }
    }

    /** Sessions that can still be used, newest first. */
    public List<DeviceSession> live(UUID userId) {
        return jdbi.withHandle(handle -> new SessionDao(handle).findLive(userId, clock.instant())).stream()
                .map(DeviceSession::of)
                .toList();
    }

    /** Ends one session of the user; another user's session is "not found", like a missing one. */
    public void revoke(UUID userId, UUID sessionId, String ipAddress) {
        lifecycle.inTransaction(tx -> {
            if (!new SessionDao(tx.handle()).belongsTo(sessionId, userId)) {
                throw new ApiException(ErrorCode.NOT_FOUND, "There is no such session.");
            }
            if (tx.end(userId, sessionId, "revoked_by_user")) {
                tx.audit(Audit.Event.SESSION_REVOKED, userId, sessionId, ipAddress, Map.of());
            }
            return null;
        });
    }

    public void logout(UUID userId, UUID currentSessionId, Scope scope, String ipAddress) {
        lifecycle.inTransaction(tx -> {
            final int ended = switch (scope) {
                case CURRENT -> tx.end(userId, currentSessionId, "logout") ? 1 : 0;
                case OTHERS -> tx.endAllBut(userId, currentSessionId, "logout_others");
                case ALL -> tx.endAllBut(userId, null, "logout_all");
            };
            tx.audit(Audit.Event.LOGOUT, userId, currentSessionId, ipAddress,
                    Map.of("scope", scope.name().toLowerCase(java.util.Locale.ROOT), "sessionsEnded", ended));
            return null;
        });
    }
}
