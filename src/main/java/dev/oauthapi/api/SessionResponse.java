package dev.oauthapi.api;

import java.util.List;

/** The contract's {@code Session}; {@code current} marks the one the request came from. */
public record SessionResponse(String id, boolean current, String provider, String platform, String deviceName,
                              String appVersion, String ipAddress, String userAgent, String createdAt,
                              String lastUsedAt, String expiresAt) {

    /** {@code GET /api/auth/sessions}. */
    public record SessionsResponse(List<SessionResponse> sessions) {
    }
}
