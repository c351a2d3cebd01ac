package dev.oauthapi.errors;

import jakarta.ws.rs.core.Response;

import java.util.Map;

/** Turns a {@link Problem} into a JAX-RS response, the one way every mapper answers. */
final class ProblemResponses {
    private ProblemResponses() {
    }

    static Response of(Problem problem) {
        return of(problem, Map.of());
    }

    static Response of(Problem problem, Map<String, String> headers) {
        final Response.ResponseBuilder response = Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .header(RequestIds.HEADER, problem.requestId())
                .header("Cache-Control", "no-store")
                .entity(problem);
        headers.forEach(response::header);
        return response.build();
    }
}
