package dev.oauthapi.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.jackson.Jackson;

import java.io.UncheckedIOException;

/**
 * Serializes problems for the places outside JAX-RS that answer errors themselves: servlet
 * filters and Jetty's error handler.
 */
public final class ProblemJson {
    private static final ObjectMapper JSON = Jackson.newMinimalObjectMapper();

    private ProblemJson() {
    }

    public static byte[] bytes(Problem problem) {
        try {
            return JSON.writeValueAsBytes(problem);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
