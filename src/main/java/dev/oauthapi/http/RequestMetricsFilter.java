package dev.oauthapi.http;

import dev.oauthapi.metrics.AuthMetrics;
import jakarta.annotation.Priority;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.glassfish.jersey.uri.UriTemplate;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latency of every request, by method, route template ({@code /api/admin/users/{id}}, never
 * the raw path: no ids in labels) and status, into {@code http_server_request_duration_seconds}.
 * Requests that matched no route count as {@code unmatched}. The same route is set as the
 * request's {@code route} attribute, for the request log.
 */
@PreMatching
@Priority(1)
public final class RequestMetricsFilter implements ContainerRequestFilter, ContainerResponseFilter {
    public static final String ROUTE = "oauth-api.route";
    private static final String STARTED = "oauth-api.started";
    /** Any method name is a valid request line: the label takes the ones HTTP defines, else {@code other}. */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH",
            "DELETE", "OPTIONS");

    private final AuthMetrics metrics;
    /** Each resource method's route, worked out once: the hot path does not rebuild it per request. */
    private final Map<ResourceMethod, String> routes = new ConcurrentHashMap<>();

    public RequestMetricsFilter(AuthMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(STARTED, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getProperty(STARTED) instanceof Long started)) {
            return;
        }
        final String route = route(request);
        request.setProperty(ROUTE, route);
        metrics.request(METHODS.contains(request.getMethod()) ? request.getMethod() : "other", route,
                response.getStatus(), (System.nanoTime() - started) / 1e9);
    }

    private String route(ContainerRequestContext request) {
        if (!(request.getUriInfo() instanceof ExtendedUriInfo info) || info.getMatchedResourceMethod() == null) {
            return "unmatched";
        }
        return routes.computeIfAbsent(info.getMatchedResourceMethod(), method -> template(info));
    }

    private static String template(ExtendedUriInfo info) {
        final List<UriTemplate> templates = info.getMatchedTemplates(); // the innermost first
        final StringBuilder route = new StringBuilder();
        for (int i = templates.size() - 1; i >= 0; i--) {
            final String part = templates.get(i).getTemplate();
            if (!part.isEmpty() && !part.equals("/")) {
                route.append(part.startsWith("/") ? "" : "/").append(part);
            }
        }
        return route.isEmpty() ? "/" : route.toString().replaceAll("/+", "/");
    }
}
