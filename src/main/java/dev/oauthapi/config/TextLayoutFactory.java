package dev.oauthapi.config;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.logging.common.layout.DiscoverableLayoutFactory;
import io.dropwizard.logging.common.layout.DropwizardLayoutFactory;

import java.util.TimeZone;

/**
 * Layout type {@code oauth-text}, so that {@code LOG_FORMAT} can pick between {@code json}
 * ({@link JsonLayoutFactory}) and plain lines with one variable. Dropwizard's own text layout has no
 * type name of its own: it is what you get when no layout is given.
 */
@JsonTypeName("oauth-text")
public class TextLayoutFactory implements DiscoverableLayoutFactory<ILoggingEvent> {
    private static final String PATTERN = "%-5p [%d{ISO8601,UTC}] [%X{http.request.header.x-request-id:--}] %c: %m%n%rEx";

    @Override
    public LayoutBase<ILoggingEvent> build(LoggerContext context, TimeZone timeZone) {
        final var layout = new DropwizardLayoutFactory().build(context, timeZone);
        layout.setPattern(PATTERN);
        return layout;
    }
}
