package dev.oauthapi.http;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.Container;

import java.util.Collection;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Decides, as each answer is committed, whether its kept-alive connection stays open, and says so:
 * a client must never send its next request on a connection we are about to close.
 *
 * <p>Two cases close it. An answer given before the request's body was read (a 401 from the
 * Bearer filter, a 415, a 413, a 429, ...): Jetty discards what has arrived of the body, but when
 * the rest is still on its way it has to close the connection once the answer is sent, and by then
 * the answer went out without {@code Connection: close}, so the client's next request met a
 * reset. Here the body is discarded before the headers are written (only what has arrived, never
 * waiting), and if some is still missing the answer says {@code Connection: close}. And while the
 * instance drains before a stop: every answer says {@code Connection: close}, so clients open
 * their next connection elsewhere (through the balancer) before the listener closes.
 */
public final class PersistentConnections implements HttpConfiguration.Customizer {
    private final BooleanSupplier draining;

    private PersistentConnections(BooleanSupplier draining) {
        this.draining = draining;
    }

    /** On every HTTP connector of the server (the application's and the admin one). */
    public static void install(Server server, BooleanSupplier draining) {
        final PersistentConnections customizer = new PersistentConnections(draining);
        for (Connector connector : server.getConnectors()) {
            // Dropwizard wraps each connection factory in one that times connections: look inside.
            final Collection<HttpConnectionFactory> factories = connector instanceof Container container
                    ? container.getContainedBeans(HttpConnectionFactory.class) : List.of();
            for (HttpConnectionFactory http : factories) {
                if (http.getHttpConfiguration().getCustomizers().stream().noneMatch(PersistentConnections.class::isInstance)) {
                    http.getHttpConfiguration().addCustomizer(customizer);
                }
            }
        }
    }

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        final HttpFields headers = request.getHeaders();
        // With "Expect: 100-continue" the client sends no body unless asked: Jetty handles that.
        final boolean hasBody = (request.getLength() > 0 || headers.contains(HttpHeader.TRANSFER_ENCODING))
                && !headers.contains(HttpHeader.EXPECT, HttpHeaderValue.CONTINUE.asString());
        request.addHttpStreamWrapper(stream -> new HttpStream.Wrapper(stream) {
            @Override
            public void prepareResponse(HttpFields.Mutable response) {
                super.prepareResponse(response);
                // consumeAvailable reads only what has arrived; null means the whole body is read.
                if (draining.getAsBoolean() || hasBody && consumeAvailable() != null) {
                    response.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
                }
            }
        });
        return request;
    }
}
