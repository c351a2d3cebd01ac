package dev.oauthapi.config;

import ch.qos.logback.access.common.spi.IAccessEvent;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.errors.RequestIds;
import dev.oauthapi.http.ClientAddress;
import dev.oauthapi.http.RequestMetricsFilter;
import io.dropwizard.logging.common.layout.DiscoverableLayoutFactory;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TimeZone;

/**
 * Request-log layout type {@code oauth-access-json}: one JSON line per request under
 * OpenTelemetry's semantic names, as {@link JsonLayoutFactory} names the application's lines:
 * {@code http.request.method}, {@code url.path} (never the query: it may carry what must not be
 * logged), {@code http.route} (the template), {@code http.response.status_code},
 * {@code http.server.request.duration} (seconds), {@code http.response.body.size},
 * {@code client.address} (as resolved behind trusted proxies), {@code user_agent.original},
 * {@code user.id} (signed-in requests; never an e-mail or a token) and
 * {@code http.request.header.x-request-id}.
 */
@JsonTypeName("oauth-access-json")
public class AccessJsonLayoutFactory implements DiscoverableLayoutFactory<IAccessEvent> {
    // The request attributes the layout reads, set by the service's own filters.
    private static final String ROUTE = RequestMetricsFilter.ROUTE;
    private static final String CLIENT_ADDRESS = ClientAddress.ATTRIBUTE;
    private static final String USER_ID = RequestIds.USER_MDC_KEY;
    private static final String REQUEST_ID = RequestIds.MDC_KEY;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public LayoutBase<IAccessEvent> build(LoggerContext context, TimeZone timeZone) {
        final LayoutBase<IAccessEvent> layout = new LayoutBase<>() {
            @Override
            public String doLayout(IAccessEvent event) {
                final Map<String, Object> line = new LinkedHashMap<>();
                line.put("timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
                line.put("http.request.method", event.getMethod());
                line.put("url.path", event.getRequestURI());
                putIfSet(line, "http.route", event.getAttribute(ROUTE));
                line.put("http.response.status_code", event.getStatusCode());
                line.put("http.server.request.duration", event.getElapsedTime() / 1000.0);
                line.put("http.response.body.size", event.getContentLength());
                final String client = event.getAttribute(CLIENT_ADDRESS);
                line.put("client.address", isSet(client) ? client : event.getRemoteAddr());
                putIfSet(line, "user_agent.original", event.getRequestHeader("User-Agent"));
                putIfSet(line, USER_ID, event.getAttribute(USER_ID));
                putIfSet(line, REQUEST_ID, event.getAttribute(REQUEST_ID));
                try {
                    return JSON.writeValueAsString(line) + CoreConstants.LINE_SEPARATOR;
                } catch (JsonProcessingException e) {
                    return "{\"body\":\"unloggable request\"}" + CoreConstants.LINE_SEPARATOR;
                }
            }
        };
        layout.setContext(context);
        return layout;
    }

    private static void putIfSet(Map<String, Object> line, String name, String value) {
        if (isSet(value)) {
            line.put(name, value);
        }
    }

    /** logback-access answers {@code "-"} for what a request does not have. */
    private static boolean isSet(String value) {
        return value != null && !value.isEmpty() && !"-".equals(value);
    }
}
