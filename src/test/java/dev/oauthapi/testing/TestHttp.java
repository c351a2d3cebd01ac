package dev.oauthapi.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small JSON client for app tests, talking to the service over real HTTP on loopback. */
public final class TestHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String host;
    private final int port;

    public TestHttp(int port) {
        this("127.0.0.1", port);
    }

    /** To a listener on another loopback address (127.0.0.2, ...), as a second instance has. */
    public TestHttp(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** A response: status, headers, and the body parsed as JSON (an empty object when there is none). */
    public record Answer(int status, HttpResponse<String> response, JsonNode json) {
        public String code() {
            return json.path("code").asText();
        }

        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + response.body();
        }
    }

    public Answer get(String path, String bearer) {
        return send(request(path, bearer).GET());
    }

    public Answer post(String path, Object body) {
        return post(path, body, null);
    }

    public Answer post(String path, Object body, String bearer) {
        return send(request(path, bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body))));
    }

    /** A JSON POST with extra headers ({@code X-App-Check}, say). */
    public Answer post(String path, Object body, String bearer, Map<String, String> headers) {
        final HttpRequest.Builder request = request(path, bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body)));
        headers.forEach(request::header);
        return send(request);
    }

    /** A form-encoded POST (the OAuth endpoints', the providers' callbacks), with extra headers. */
    public Answer postForm(String path, Map<String, String> fields, Map<String, String> headers) {
        final String body = fields.entrySet().stream().map(field -> java.net.URLEncoder.encode(field.getKey(),
                        java.nio.charset.StandardCharsets.UTF_8) + "=" + java.net.URLEncoder.encode(field.getValue(),
                        java.nio.charset.StandardCharsets.UTF_8))
                .collect(java.util.stream.Collectors.joining("&"));
        final HttpRequest.Builder request = request(path, null)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    public Answer patch(String path, Object body, String bearer) {
        return send(request(path, bearer).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json(body))));
    }

    public Answer delete(String path, String bearer) {
        return send(request(path, bearer).DELETE());
    }

    public Answer send(HttpRequest.Builder request) {
        try {
            final HttpRequest built = request.build();
            HttpResponse<String> response;
            try {
                response = CLIENT.send(built, HttpResponse.BodyHandlers.ofString());
            } catch (IOException closed) {
                if (!String.valueOf(closed.getMessage()).contains("received no bytes")) {
                    throw closed;
                }
                // A pooled connection the server had closed (after an answer that ends it, or idle):
                // nothing was read from it, so the request goes again, on a new connection.
                response = CLIENT.send(built, HttpResponse.BodyHandlers.ofString());
            }
            final JsonNode body = parse(response.body());
            return new Answer(response.statusCode(), response, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** JSON as JSON; anything else (an admin task's plain text) as one text node. */
    private static JsonNode parse(String body) {
        if (body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return JSON.getNodeFactory().textNode(body);
        }
    }

    public HttpRequest.Builder request(String path, String bearer) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .timeout(Duration.ofSeconds(20));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return request;
    }

    /** {@code body} as JSON text; a String is taken as JSON already. */
    public static String json(Object body) {
        try {
            return body instanceof String text ? text : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
