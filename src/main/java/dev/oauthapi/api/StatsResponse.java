package dev.oauthapi.api;

import dev.oauthapi.admin.UsageStats;

import java.util.Map;

/** {@code GET /api/admin/stats}. */
public record StatsResponse(Users users, Sessions sessions, SignIns signIns) {
    public record Users(long total, long disabled, Map<String, Long> byRole, Map<String, Long> byProvider) {
    }

    public record Sessions(long live) {
    }

    public record SignIns(long last24h, long last7d) {
    }

    public static StatsResponse of(UsageStats.Snapshot stats) {
        return new StatsResponse(new Users(stats.users(), stats.disabled(), stats.byRole(), stats.byProvider()),
                new Sessions(stats.liveSessions()), new SignIns(stats.signInsLastDay(), stats.signInsLastWeek()));
    }
}
