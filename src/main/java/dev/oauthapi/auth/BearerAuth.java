package dev.oauthapi.auth;

import dev.oauthapi.dpop.DpopBinding;
import dev.oauthapi.sessions.SessionGate;
import dev.oauthapi.tokens.AccessTokens;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.core.setup.Environment;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;

import java.time.Clock;
import java.time.Duration;

/** Dropwizard auth, the Bearer way: our authenticator, the problem 401, and {@code @RolesAllowed}. */
public final class BearerAuth {
    /** Verified access tokens kept in memory: about 1 KiB each, so at most some 50 MiB. */
    private static final long VERIFIED_TOKEN_CACHE_SIZE = 50_000;

    private BearerAuth() {
    }

    /** @param rateWindow the rate limit's window, which the session check counts the request in */
    public static void register(Environment environment, AccessTokens accessTokens, SessionGate sessionGate,
                                DpopBinding dpop, Clock clock, Duration rateWindow) {
        final AccessTokenAuthenticator authenticator = new AccessTokenAuthenticator(accessTokens, sessionGate, dpop,
                clock, environment.metrics(), VERIFIED_TOKEN_CACHE_SIZE, rateWindow);
        environment.jersey().register(new AuthDynamicFeature(new BearerTokenFilter.Builder<AuthenticatedUser>()
                .setAuthenticator(authenticator)
                .setPrefix("Bearer")
                .setUnauthorizedHandler(new ProblemUnauthorizedHandler())
                .setAuthorizer(new RoleAuthorizer())
                .buildAuthFilter()));
        // @RolesAllowed on a resource method: 403 forbidden, naming the role it needs.
        environment.jersey().register(RolesAllowedDynamicFeature.class);
        if (dpop.usesNonces()) {
            environment.jersey().register(new DpopNonceFilter(dpop));
        }
        environment.jersey().register(new AuthValueFactoryProvider.Binder<>(AuthenticatedUser.class));
    }
}
