package dev.oauthapi.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.oauthapi.config.NetworkConfig;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;

import java.util.EnumSet;

/** What every request goes through before a resource: JSON rules, request id, client address, body limit, no-store. */
public final class HttpSetup {
    private HttpSetup() {
    }

    public static void register(Environment environment, NetworkConfig network) {
        // Unknown request members are ignored (the contract), unlike unknown configuration keys.
        environment.getObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        environment.getObjectMapper().registerModule(new StorableTextModule());
        // {"scope": "current", "scope": "all"}: which one counts depends on the parser, so neither does.
        environment.getObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        final var all = EnumSet.allOf(DispatcherType.class);
        environment.servlets().addFilter("request-id", new RequestIdFilter())
                .addMappingForUrlPatterns(all, false, "/*");
        environment.servlets().addFilter("client-address",
                        new ClientAddressFilter(new ClientAddress(network.trustedProxies().values())))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        environment.servlets().addFilter("request-body-limit",
                        new RequestBodyLimitFilter(network.maxRequestBodySize().toBytes()))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        environment.jersey().register(new QueryTokenFilter());
        environment.jersey().register(new NoStoreFilter());
    }
}
