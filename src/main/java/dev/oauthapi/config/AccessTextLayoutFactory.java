package dev.oauthapi.config;

import ch.qos.logback.access.common.PatternLayout;
import ch.qos.logback.access.common.spi.IAccessEvent;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.logging.common.layout.DiscoverableLayoutFactory;
import io.dropwizard.request.logging.layout.LogbackAccessRequestLayoutFactory;

import java.util.TimeZone;

/**
 * Request-log layout type {@code oauth-access-text}, the plain counterpart of {@code oauth-access-json}:
 * Dropwizard's own line, with the path where it logs the request line, since a query string can
 * carry what must not be logged (an {@code access_token} an app put in a URL by mistake). Like
 * {@link AccessJsonLayoutFactory}, which logs the path only.
 */
@JsonTypeName("oauth-access-text")
public class AccessTextLayoutFactory implements DiscoverableLayoutFactory<IAccessEvent> {
    @Override
    public LayoutBase<IAccessEvent> build(LoggerContext context, TimeZone timeZone) {
        final LayoutBase<IAccessEvent> layout = new LogbackAccessRequestLayoutFactory().build(context, timeZone);
        ((PatternLayout) layout).setPattern("%h %l %u [%t{dd/MMM/yyyy:HH:mm:ss Z," + timeZone.getID()
                + "}] \"%m %U %H\" %s %b \"%i{Referer}\" \"%i{User-Agent}\" %D");
        return layout;
    }
}
