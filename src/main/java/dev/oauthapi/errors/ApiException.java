package dev.oauthapi.errors;

import java.util.Map;

/**
 * A refusal we mean: thrown by services and resources, answered as a {@link Problem} with the
 * code's status. {@code detail} must be safe to show to the caller.
 */
public class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient Map<String, String> headers;
    private final transient Map<String, String> members;

    public ApiException(ErrorCode code, String detail) {
        this(code, detail, Map.of());
    }

    public ApiException(ErrorCode code, String detail, Map<String, String> headers) {
        this(code, detail, headers, Map.of());
    }

    /** @param members extension members of the problem (RFC 9457 §3.2), such as a guest's {@code mergeToken} */
    public ApiException(ErrorCode code, String detail, Map<String, String> headers, Map<String, String> members) {
        super(detail);
        this.code = code;
        this.headers = Map.copyOf(headers);
        this.members = Map.copyOf(members);
    }

    /** Members the problem carries beside the standard ones. */
    public Map<String, String> members() {
        return members;
    }

    public ErrorCode code() {
        return code;
    }

    public String detail() {
        return getMessage();
    }

    /** Headers the answer must carry, such as {@code Retry-After} or {@code WWW-Authenticate}. */
    public Map<String, String> headers() {
        return headers;
    }
}
