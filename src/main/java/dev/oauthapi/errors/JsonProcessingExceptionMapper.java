package dev.oauthapi.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import dev.oauthapi.text.StorableText;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.stream.Collectors;

/**
 * A request body that is not the JSON we expect. The detail says where it went wrong (line and
 * column, or the member), never the value that was sent.
 */
final class JsonProcessingExceptionMapper implements ExceptionMapper<JsonProcessingException> {
    private static final Logger LOG = LoggerFactory.getLogger(JsonProcessingExceptionMapper.class);

    @Override
    public Response toResponse(JsonProcessingException exception) {
        for (Throwable cause = exception.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiException refusal) {
                // Refused while the body was being read (it grew past the size limit): Jackson
                // wrapped our own refusal.
                return new ApiExceptionMapper().toResponse(refusal);
            }
        }
        if (exception instanceof InvalidDefinitionException) {
            // A type we cannot (de)serialize is our bug, not the caller's.
            LOG.error("JSON mapping is broken for a type of ours", exception);
            return ProblemResponses.of(Problem.of(ErrorCode.INTERNAL_ERROR,
                    "Unexpected error. Quote the requestId when reporting it."));
        }
        return ProblemResponses.of(Problem.of(ErrorCode.INVALID_REQUEST, detail(exception)));
    }

    private static String detail(JsonProcessingException exception) {
        final boolean malformed = exception instanceof StreamReadException
                || exception.getCause() instanceof StreamReadException;
        if (!malformed && exception instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            final String member = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."))
                    .replace(".[", "[");
            if (exception instanceof InvalidFormatException format && format.getValue() instanceof String text
                    && !StorableText.isStorable(text)) {
                return "The request member '" + member + "' " + StorableText.NOT_STORABLE + ": send text without them.";
            }
            return "The request member '" + member + "' has the wrong type or format.";
        }
        final var location = exception.getLocation();
        return location == null
                ? "The request body is not valid JSON."
                : "The request body is not valid JSON (line " + location.getLineNr()
                        + ", column " + location.getColumnNr() + ").";
    }
}
