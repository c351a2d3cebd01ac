package dev.oauthapi.errors;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/** Our own refusals: the code decides the status, the detail was written to be shown. */
final class ApiExceptionMapper implements ExceptionMapper<ApiException> {
    @Override
    public Response toResponse(ApiException exception) {
        return ProblemResponses.of(Problem.of(exception.code(), exception.detail()).with(exception.members()),
                exception.headers());
    }
}
