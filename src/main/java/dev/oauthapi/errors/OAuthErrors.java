package dev.oauthapi.errors;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * RFC 6749 §5.2's error shape, {@code {"error", "error_description"}}, with our {@code code} and
 * {@code requestId} beside them: how the OAuth endpoints answer every refusal. As a response
 * filter it also reshapes what they did not answer themselves (the rate limit, a data store out of
 * reach, a body that cannot be read), so no problem document leaves {@code /oauth/}.
 */
public final class OAuthErrors implements ContainerResponseFilter {
    /** Session and code problems of the refresh and code grants: RFC 6749's {@code invalid_grant}. */
    private static final Set<ErrorCode> GRANT_ERRORS = Set.of(ErrorCode.INVALID_GRANT, ErrorCode.INVALID_CODE,
            ErrorCode.INVALID_REFRESH_TOKEN, ErrorCode.REFRESH_TOKEN_REUSED, ErrorCode.SESSION_REVOKED,
            ErrorCode.SESSION_EXPIRED, ErrorCode.ACCOUNT_DISABLED, ErrorCode.DPOP_PROOF_REFUSED);

    /**
     * A refusal of a grant: the OAuth error its status and meaning call for (with
     * {@code grantErrors}, session problems are {@code invalid_grant}); headers (DPoP-Nonce,
     * Retry-After) kept.
     */
    public static Response of(ApiException e, boolean grantErrors) {
        final ErrorCode code = e.code();
        if (code == ErrorCode.INVALID_CLIENT || code == ErrorCode.APP_CHECK_REQUIRED) {
            // The contract's 401 for a missing app token here too: the app failed to prove itself.
            return of(e, "invalid_client", 401);
        }
        if (code == ErrorCode.UNSUPPORTED_GRANT_TYPE) {
            return of(e, "unsupported_grant_type", 400);
        }
        if (code == ErrorCode.USE_DPOP_NONCE || code == ErrorCode.INVALID_DPOP_PROOF) {
            return of(e, code.code(), 400);
        }
        if (code.status() >= 400 && code.status() < 500 && code.status() != 429) {
            return of(e, grantErrors && GRANT_ERRORS.contains(code) ? "invalid_grant" : "invalid_request", 400);
        }
        return of(e, error(code.status()), code.status() == 503 || code.status() == 429 ? code.status() : 500);
    }

    public static Response of(ApiException e, String error, int status) {
        final Response.ResponseBuilder answer = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body(error, e.getMessage(), e.code().code()));
        e.headers().forEach(answer::header);
        return answer.build();
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getEntity() instanceof Problem problem && request.getUriInfo().getPath().startsWith("oauth/")) {
            final int status = problem.status() >= 500 && problem.status() != 503 ? 500 : problem.status();
            response.setStatus(status);
            response.setEntity(body(status < 500 && status != 429 ? "invalid_request" : error(status), problem.detail(),
                    problem.code()), response.getEntityAnnotations(), MediaType.APPLICATION_JSON_TYPE);
        }
    }

    /** RFC 6749 names no error for these: the ones closest in meaning. */
    private static String error(int status) {
        return switch (status) {
            case 429 -> "slow_down";
            case 503 -> "temporarily_unavailable";
            default -> "server_error";
        };
    }

    private static Map<String, Object> body(String error, String description, String code) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        body.put("code", code);
        body.put("requestId", RequestIds.current());
        return body;
    }
}
