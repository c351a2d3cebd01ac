package dev.oauthapi.config;

import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.logging.json.EventJsonLayoutBaseFactory;

import java.util.Map;

/**
 * Layout type {@code oauth-json}: Dropwizard's JSON log lines under OpenTelemetry's names, the one
 * convention of every log line here (application and request log alike): {@code timestamp},
 * {@code severity_text}, {@code body}, {@code code.namespace} (the logger), {@code thread.name},
 * {@code exception.stacktrace}, and the request's {@code http.request.header.x-request-id} and
 * {@code user.id} at the top level (the MDC, flattened).
 */
@JsonTypeName("oauth-json")
public class JsonLayoutFactory extends EventJsonLayoutBaseFactory {
    public JsonLayoutFactory() {
        setCustomFieldNames(Map.of(
                "timestamp", "timestamp",
                "level", "severity_text",
                "message", "body",
                "logger", "code.namespace",
                "thread", "thread.name",
                "exception", "exception.stacktrace"));
        setFlattenMdc(true);
    }
}
