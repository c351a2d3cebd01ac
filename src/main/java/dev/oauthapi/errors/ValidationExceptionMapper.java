package dev.oauthapi.errors;

import io.dropwizard.jersey.validation.ConstraintMessage;
import io.dropwizard.jersey.validation.JerseyViolationException;
import jakarta.validation.ConstraintViolation;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

import java.util.Comparator;
import java.util.List;

/**
 * A request that parsed but broke a constraint. Always 400 {@code invalid_request} (Dropwizard
 * would answer 422 for bodies), with one entry a member in {@code errors}.
 */
final class ValidationExceptionMapper implements ExceptionMapper<JerseyViolationException> {
    @Override
    public Response toResponse(JerseyViolationException exception) {
        final List<Problem.FieldError> errors = exception.getConstraintViolations().stream()
                .map(violation -> new Problem.FieldError(field(violation, exception), violation.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field).thenComparing(Problem.FieldError::message))
                .toList();
        final String detail = exception.getConstraintViolations().stream()
                .map(violation -> ConstraintMessage.getMessage(violation, exception.getInvocable()))
                .sorted()
                .reduce((left, right) -> left + "; " + right)
                .orElse("The request is invalid.");
        return ProblemResponses.of(Problem.of(ErrorCode.INVALID_REQUEST, 400, detail, errors));
    }

    private static String field(ConstraintViolation<?> violation, JerseyViolationException exception) {
        return ConstraintMessage.isRequestEntity(violation, exception.getInvocable())
                .filter(path -> !path.isEmpty())
                .orElse("body");
    }
}
