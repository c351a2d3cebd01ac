package dev.oauthapi.errors;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The framework's own refusals (unknown path, wrong method, wrong media type, bad parameter),
 * reworded for people and answered in the one error shape. The request path is not echoed: it may
 * carry something the caller should not have sent.
 */
final class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
    @Context
    private ResourceInfo resource;

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

    private String detail(WebApplicationException exception, Response original) {
        return switch (exception) {
            case NotFoundException ignored -> "There is no resource at this path.";
            case NotAllowedException ignored -> "This resource does not accept that method. Allowed: "
                    + String.join(", ", original.getAllowedMethods()) + ".";
            case NotSupportedException ignored -> "Send the request body as application/json.";
            case NotAcceptableException ignored -> "This resource answers application/json only.";
            case ForbiddenException ignored -> neededRoles()
                    .map(roles -> "This needs the role " + String.join(" or ", roles) + ".")
                    .orElse("This is not allowed with your role.");
            default -> "The request could not be served (HTTP " + original.getStatus() + ").";
        };
    }

    /** The roles the matched resource method allows ({@code @RolesAllowed} refused the request). */
    private Optional<List<String>> neededRoles() {
        if (resource == null || resource.getResourceMethod() == null) {
            return Optional.empty();
        }
        RolesAllowed allowed = resource.getResourceMethod().getAnnotation(RolesAllowed.class);
        if (allowed == null && resource.getResourceClass() != null) {
            allowed = resource.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        return Optional.ofNullable(allowed).map(roles -> List.of(roles.value()));
    }
}
