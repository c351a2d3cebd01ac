package dev.oauthapi.errors;

import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;

/**
 * Every exception mapper of the one error shape, registered together. Dropwizard's default
 * mappers are switched off in {@code config.yml} ({@code registerDefaultExceptionMappers: false})
 * so that none of them answers in another shape.
 */
public final class ProblemJsonFeature implements Feature {
    @Override
    public boolean configure(FeatureContext context) {
        context.register(new ApiExceptionMapper());
        context.register(new WebApplicationExceptionMapper());
        context.register(new JsonProcessingExceptionMapper());
        context.register(new ValidationExceptionMapper());
        context.register(new UnexpectedExceptionMapper());
        return true;
    }
}
