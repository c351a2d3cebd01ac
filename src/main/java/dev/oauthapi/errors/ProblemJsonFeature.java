package dev.oauthapi.errors;

import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;

/**
 * Every exception mapper of the one error shape, registered together. Dropwizard's default
 * mappers are switched off in {@code config.yml} ({@code registerDefaultExceptionMappers: false})
 * so that none of them answers in another shape.
 */
public final class ProblemJsonFeature implements Feature {
    /** The mappers, and Jetty's error page in the same shape (for what never reaches Jersey). */
    public static void register(io.dropwizard.core.setup.Environment environment) {
        environment.jersey().register(new ProblemJsonFeature());
        final ProblemErrorHandler errorHandler = new ProblemErrorHandler();
        environment.getApplicationContext().setErrorHandler(errorHandler);
        environment.lifecycle().addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(org.eclipse.jetty.util.component.LifeCycle event) {
                if (event instanceof org.eclipse.jetty.server.Server server) {
                    server.setErrorHandler(errorHandler);
                }
            }
        });
    }

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
