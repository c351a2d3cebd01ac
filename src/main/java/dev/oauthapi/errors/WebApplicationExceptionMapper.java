package dev.oauthapi.errors;

import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

import java.util.HashMap;
import java.util.Map;

/**
 * The framework's own refusals (unknown path, wrong method, wrong media type, bad parameter),
 * reworded for people and answered in the one error shape. The request path is not echoed: it may
 * carry something the caller should not have sent.
 */
final class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException exception) {
        final Response original = exception.getResponse();
        final int status = original.getStatus();
        final ErrorCode code = ErrorCode.forStatus(status);
        final Map<String, String> headers = new HashMap<>();
        final String allow = original.getHeaderString(HttpHeaders.ALLOW);
        if (allow != null) {
            headers.put(HttpHeaders.ALLOW, allow);
        }
        return ProblemResponses.of(Problem.of(code, status, detail(exception, original), null), headers);
    }

    private static String detail(WebApplicationException exception, Response original) {
        return switch (exception) {
            case NotFoundException ignored -> "There is no resource at this path.";
            case NotAllowedException ignored -> "This resource does not accept that method. Allowed: "
                    + String.join(", ", original.getAllowedMethods()) + ".";
            case NotSupportedException ignored -> "Send the request body as application/json.";
            case NotAcceptableException ignored -> "This resource answers application/json only.";
            default -> "The request could not be served (HTTP " + original.getStatus() + ").";
        };
    }
}
