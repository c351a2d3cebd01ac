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
    private final SessionGate gate;
    private final Clock clock;

    public Sessions(Jdbi jdbi, SessionGate gate, Clock clock) {
        this.jdbi = jdbi;
        this.gate = gate;
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
        final List<UUID> revoked = jdbi.inTransaction(handle -> {
            final SessionDao sessions = new SessionDao(handle);
            if (!sessions.belongsTo(sessionId, userId)) {
                throw new ApiException(ErrorCode.NOT_FOUND, "There is no such session.");
            }
            final Instant now = clock.instant();
            final List<UUID> ids = sessions.revoke(userId, sessionId, "revoked_by_user", now);
            if (!ids.isEmpty()) {
                Audit.record(handle, now, "session_revoked", userId, sessionId, ipAddress, Map.of());
            }
            return ids;
        });
        gate.revoked(revoked);
    }

    public void logout(UUID userId, UUID currentSessionId, Scope scope, String ipAddress) {
        final List<UUID> revoked = jdbi.inTransaction(handle -> {
            final SessionDao sessions = new SessionDao(handle);
            final Instant now = clock.instant();
            final List<UUID> ids = switch (scope) {
                case CURRENT -> sessions.revoke(userId, currentSessionId, "logout", now);
                case OTHERS -> sessions.revokeAllBut(userId, currentSessionId, "logout_others", now);
                case ALL -> sessions.revokeAllBut(userId, null, "logout_all", now);
            };
            Audit.record(handle, now, "logout", userId, currentSessionId, ipAddress,
                    Map.of("scope", scope.name().toLowerCase(java.util.Locale.ROOT), "sessionsEnded", ids.size()));
            return ids;
        });
        gate.revoked(revoked);
    }
}
