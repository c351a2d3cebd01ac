package dev.oauthapi.errors;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Anything nobody meant: logged in full with the request id (in the logging context), answered
 * as a bare 500 that shows no internals.
 */
final class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

    @Override
    public Response toResponse(Throwable exception) {
        if (exception instanceof EofException || exception.getCause() instanceof EofException) {
            // The client went away mid-body: not our failure, and nobody is left to read the answer.
            LOG.debug("Client closed the connection while sending its request", exception);
            return ProblemResponses.of(Problem.of(ErrorCode.INVALID_REQUEST, "The request body ended early."));
        }
        if (DataStores.areUnavailable(exception)) {
            // Bounded by the pools' waits: the app gets an answer it may retry, and no token that
            // was not stored.
            LOG.warn("A dependency is unavailable: {}", rootCause(exception).toString());
            return ProblemResponses.of(Problem.of(ErrorCode.SERVICE_UNAVAILABLE,
                    "The service cannot reach one of its data stores right now; try again shortly."), Map.of("Retry-After", "5"));
        }
        final Problem problem = Problem.of(ErrorCode.INTERNAL_ERROR,
                "Unexpected error. Quote the requestId when reporting it.");
        LOG.error("Unexpected error serving request {}", problem.requestId(), exception);
        return ProblemResponses.of(problem);
    }

    private static Throwable rootCause(Throwable exception) {
        Throwable root = exception;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
