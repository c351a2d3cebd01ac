package dev.oauthapi.errors;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem document, the one error shape of the service. {@code code} is the stable
 * value clients switch on; {@code detail} is for people and never holds a secret, a token or a
 * stack trace; {@code requestId} lets a user's report be matched with our logs. {@code errors}
 * appears only on validation failures.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String code,
        String requestId,
        List<FieldError> errors,
        @JsonIgnore Map<String, String> members) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:oauth-api:problem:";

    public static Problem of(ErrorCode code, String detail) {
        return of(code, code.status(), detail, null);
    }

    public static Problem of(ErrorCode code, int status, String detail, List<FieldError> errors) {
        return new Problem(TYPE_PREFIX + code.code(), code.title(), status, detail, code.code(),
                RequestIds.current(), errors == null || errors.isEmpty() ? null : List.copyOf(errors), Map.of());
    }

    public Problem withRequestId(String id) {
        return new Problem(type, title, status, detail, code, id, errors, members);
    }

    /** This problem with extension members (RFC 9457 §3.2) beside the standard ones. */
    public Problem with(Map<String, String> extra) {
        return extra.isEmpty() ? this : new Problem(type, title, status, detail, code, requestId, errors, Map.copyOf(extra));
    }

    /** The extension members, written as members of the document itself. */
    @JsonAnyGetter
    public Map<String, String> extensionMembers() {
        return members == null ? Map.of() : members;
    }

    /** One invalid request member: where it is and what is wrong with it, never its value. */
    public record FieldError(String field, String message) {
    }
}
