package dev.oauthapi.api;

import dev.oauthapi.sessions.Sessions.DeviceSession;

import java.util.List;
import java.util.UUID;

/** The contract's {@code Session}; {@code current} marks the one the request came from. */
public record SessionResponse(String id, boolean current, String provider, String platform, String deviceName,
                              String appVersion, String ipAddress, String userAgent, String createdAt,
                              String lastUsedAt, String expiresAt) {

    public static SessionResponse of(DeviceSession session, UUID currentSessionId) {
        return new SessionResponse(session.id().toString(), session.id().equals(currentSessionId), session.provider(),
                session.platform(), session.deviceName(), session.appVersion(), session.ipAddress(),
                session.userAgent(), WireTime.format(session.createdAt()), WireTime.format(session.lastUsedAt()),
                WireTime.format(session.expiresAt()));
    }

    /** {@code GET /api/auth/sessions}. */
    public record SessionsResponse(List<SessionResponse> sessions) {
    }
}
