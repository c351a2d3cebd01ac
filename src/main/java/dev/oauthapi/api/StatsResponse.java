package dev.oauthapi.api;

import java.util.Map;

/** {@code GET /api/admin/stats}. */
public record StatsResponse(Users users, Sessions sessions, SignIns signIns) {
    public record Users(long total, long disabled, long anonymous, Map<String, Long> byRole,
                        Map<String, Long> byProvider) {
    }

    public record Sessions(long live) {
    }

    public record SignIns(long last24h, long last7d) {
    }
}
