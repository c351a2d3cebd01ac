package dev.oauthapi.errors;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * Jetty's error page, replaced by a problem document: the errors Jetty answers itself, before or
 * outside JAX-RS (a malformed request line, a header too large, a method the server refuses, a
 * servlet's {@code sendError}), keep the one error shape. Jetty's own message is not echoed: it
 * can quote the request.
 */
public final class ProblemErrorHandler extends ErrorHandler {
    public ProblemErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true; // Jetty skips the body for PUT, DELETE, PATCH...; our clients want the code.
    }

    @Override
    protected void generateResponse(Request request, Response response, int status, String message,
                                    Throwable cause, Callback callback) {
        final Object id = request.getAttribute(RequestIds.MDC_KEY);
        Problem problem = Problem.of(ErrorCode.forStatus(status), status, detail(status), null);
        if (id instanceof String requestId) {
            problem = problem.withRequestId(requestId);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.getHeaders().put(RequestIds.HEADER, problem.requestId());
        response.write(true, ByteBuffer.wrap(ProblemJson.bytes(problem)), callback);
    }

    private static String detail(int status) {
        return switch (status) {
            case 404 -> "There is no resource at this path.";
            case 405 -> "This resource does not accept that method.";
            case 413 -> "The request body is too large.";
            default -> "The request could not be served (" + status + " " + HttpStatus.getMessage(status) + ").";
        };
    }
}
