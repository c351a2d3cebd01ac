package dev.oauthapi.errors;

import org.slf4j.MDC;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The id of the request being served, kept in the logging context so that every log line and the
 * error answered for a request carry the same id.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    /** OpenTelemetry's name for a captured request header, as the logs name every field. */
    public static final String MDC_KEY = "http.request.header.x-request-id";
    /** The signed-in user of the request, once the access token was checked. */
    public static final String USER_MDC_KEY = "user.id";

    private RequestIds() {
    }

    /** The current request's id; a fresh one where none is set (an error before any filter ran). */
    public static String current() {
        final String id = MDC.get(MDC_KEY);
        return id != null ? id : fresh();
    }

    /**
     * A new request id: a version 4 UUID from the thread's own generator. It names a request in
     * logs and answers and guards nothing, so it needs no secure random source, whose shared lock
     * every request would otherwise take.
     */
    public static String fresh() {
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong() & ~0xF000L | 0x4000L,
                random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L).toString();
    }
}
