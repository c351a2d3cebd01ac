package dev.oauthapi.sessions;

import dev.oauthapi.db.SessionDao;
import dev.oauthapi.db.SessionRow;
import dev.oauthapi.db.UserDao;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /**
     * Ends one session of the user, for the user themselves or an admin ({@code actorId}); another
     * user's session is "not found", like a missing one. One that has ended already stays ended.
     */
    public void revoke(UUID userId, UUID sessionId, UUID actorId, String ipAddress) {
        lifecycle.inTransaction(tx -> {
            if (!new SessionDao(tx.handle()).belongsTo(sessionId, userId)) {
                throw new ApiException(ErrorCode.NOT_FOUND, "There is no such session.");
            }
            if (tx.end(userId, sessionId, userId.equals(actorId) ? "revoked_by_user" : "revoked_by_admin")) {
                tx.audit(Audit.Event.SESSION_REVOKED, userId, actorId, sessionId, ipAddress, Map.of());
            }
            return null;
        });
    }

    /**
     * Ends the session a token of {@code clientId} names (RFC 7009): nothing when it has ended or
     * does not exist (the revocation succeeded either way); {@code invalid_grant} when the session
     * is another client's, and then nothing changes.
     */
    public void revokeForClient(UUID sessionId, String clientId, String ipAddress) {
        lifecycle.inTransaction(tx -> {
            final Optional<SessionRow> session = new SessionDao(tx.handle()).find(sessionId);
            if (session.isEmpty() || session.get().revokedAt() != null) {
                return null;
            }
            if (!session.get().clientId().equals(clientId)) {
                throw new ApiException(ErrorCode.INVALID_GRANT, "This token was issued to another client.");
            }
            final UUID userId = session.get().userId();
            if (tx.end(userId, sessionId, "revoked_by_client")) {
                tx.audit(Audit.Event.SESSION_REVOKED, userId, userId, sessionId, ipAddress, Map.of("via", "oauth_revoke"));
            }
            return null;
        });
    }

    /** Ends every session of the user, for an admin ({@code actorId}); returns how many ended. */
    public int revokeAll(UUID userId, UUID actorId, String ipAddress) {
        return lifecycle.inTransaction(tx -> {
            if (new UserDao(tx.handle()).find(userId).isEmpty()) {
                throw new ApiException(ErrorCode.NOT_FOUND, "There is no such user.");
            }
            final int ended = tx.endAllBut(userId, null, "revoked_by_admin");
            tx.audit(Audit.Event.SESSION_REVOKED, userId, actorId, null, ipAddress,
                    Map.of("scope", "all", "sessionsEnded", ended));
            return ended;
        });
    }

    public void logout(UUID userId, UUID currentSessionId, Scope scope, String ipAddress) {
        lifecycle.inTransaction(tx -> {
            final int ended = switch (scope) {
                case CURRENT -> tx.end(userId, currentSessionId, "logout") ? 1 : 0;
                case OTHERS -> tx.endAllBut(userId, currentSessionId, "logout_others");
                case ALL -> tx.endAllBut(userId, null, "logout_all");
            };
            tx.audit(Audit.Event.LOGOUT, userId, userId, currentSessionId, ipAddress,
                    Map.of("scope", scope.name().toLowerCase(java.util.Locale.ROOT), "sessionsEnded", ended));
            return null;
        });
    }
}
