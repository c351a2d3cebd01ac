package dev.oauthapi.api;

/** The body of {@code GET /health}: liveness only, nothing about dependencies. */
public record HealthResponse(String status) {
    public static final HealthResponse OK = new HealthResponse("ok");
}
