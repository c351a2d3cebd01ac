package dev.oauthapi.errors;

import org.slf4j.MDC;

import java.util.UUID;

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
        return id != null ? id : UUID.randomUUID().toString();
    }
}
