package dev.oauthapi.api;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Timestamps on the wire: ISO-8601 UTC to the second, {@code 2026-11-25T20:52:08Z}. */
public final class WireTime {
    private WireTime() {
    }

    public static String format(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
