package dev.oauthapi.errors;

import java.util.Locale;

/**
 * Every error the service answers, with its HTTP status. The snake_case {@link #code()} is part of
 * the wire contract: apps switch on it, so a code is never renamed or given another meaning; add a
 * new one instead.
 */
public enum ErrorCode {
    // The generic code of each status comes first: forStatus() picks it for framework errors.
    INVALID_REQUEST(400, "Invalid request"),
    INVALID_TOKEN(401, "Invalid access token"),
    INVALID_ID_TOKEN(401, "Invalid provider token"),
    INVALID_NONCE(401, "Invalid nonce"),
    ID_TOKEN_REPLAYED(401, "Provider token already used"),
    INVALID_REFRESH_TOKEN(401, "Invalid refresh token"),
    REFRESH_TOKEN_REUSED(401, "Refresh token reused"),
    SESSION_REVOKED(401, "Session revoked"),
    SESSION_EXPIRED(401, "Session expired"),
    INVALID_CODE(401, "Invalid code"),
    INVALID_MERGE_TOKEN(401, "Invalid merge token"),
    INVALID_PASSKEY(401, "Invalid passkey"),
    INVALID_ATTESTATION(401, "Invalid app attestation"),
    /** OAuth: a {@code client_id} this service does not know. */
    INVALID_CLIENT(401, "Invalid client"),
    APP_CHECK_REQUIRED(401, "App check required"),
    FORBIDDEN(403, "Forbidden"),
    ACCOUNT_DISABLED(403, "Account disabled"),
    NOT_FOUND(404, "Not found"),
    PROVIDER_NOT_ENABLED(404, "Provider not enabled"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    NOT_ACCEPTABLE(406, "Not acceptable"),
    CONFLICT(409, "Conflict"),
    IDENTITY_ALREADY_LINKED(409, "Identity already linked"),
    LAST_IDENTITY(409, "Last identity"),
    LAST_SUPERADMIN(409, "Last superadmin"),
    PASSKEY_ALREADY_REGISTERED(409, "Passkey already registered"),
    /** A registration's refusal: the same code as a sign-in's, answered 400 (the contract's). */
    INVALID_PASSKEY_REGISTRATION(400, "Invalid passkey", "invalid_passkey"),
    INVALID_DPOP_PROOF(400, "Invalid DPoP proof"),
    /** OAuth (RFC 6749 §5.2): a grant or token that is not this client's, or not valid. */
    INVALID_GRANT(400, "Invalid grant"),
    UNSUPPORTED_GRANT_TYPE(400, "Unsupported grant type"),
    USE_DPOP_NONCE(400, "DPoP nonce required"),
    /** At a protected endpoint, or a refresh by another key than the session's. */
    DPOP_PROOF_REFUSED(401, "Invalid DPoP proof", "invalid_dpop_proof"),
    DPOP_NONCE_REQUIRED(401, "DPoP nonce required", "use_dpop_nonce"),
    PAYLOAD_TOO_LARGE(413, "Request body too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    RATE_LIMITED(429, "Too many requests"),
    INTERNAL_ERROR(500, "Internal server error"),
    SERVICE_UNAVAILABLE(503, "Service unavailable"),
    PROVIDER_UNAVAILABLE(503, "Provider unavailable");

    private final int status;
    private final String title;
    private final String code;

    ErrorCode(int status, String title) {
        this(status, title, null);
    }

    ErrorCode(int status, String title, String code) {
        this.status = status;
        this.title = title;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String code() {
        return code != null ? code : name().toLowerCase(Locale.ROOT);
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
