package dev.oauthapi.errors;

import java.util.Locale;

/**
 * Every error the service answers, with its HTTP status. The snake_case {@link #code()} is part of
 * the wire contract: apps switch on it, so a code is never renamed or given another meaning; add a
 * new one instead.
 */
public enum ErrorCode {
    INVALID_REQUEST(400, "Invalid request"),
    INVALID_TOKEN(401, "Invalid access token"),
    FORBIDDEN(403, "Forbidden"),
    NOT_FOUND(404, "Not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    NOT_ACCEPTABLE(406, "Not acceptable"),
    CONFLICT(409, "Conflict"),
    PAYLOAD_TOO_LARGE(413, "Request body too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    RATE_LIMITED(429, "Too many requests"),
    INTERNAL_ERROR(500, "Internal server error"),
    SERVICE_UNAVAILABLE(503, "Service unavailable");

    private final int status;
    private final String title;

    ErrorCode(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The code for an HTTP status raised by the framework rather than by us: the exact one where we
     * have it, otherwise the generic client or server error (the problem keeps the real status).
     */
    public static ErrorCode forStatus(int status) {
        for (ErrorCode candidate : values()) {
            if (candidate.status == status) {
                return candidate;
            }
        }
        return status >= 500 ? INTERNAL_ERROR : INVALID_REQUEST;
    }
}
