package dev.oauthapi.http;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.RateLimitCounters;
import io.dropwizard.auth.Auth;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Puts the rate limits on the endpoints: per client IP (an IPv6 client by its /64) in the bucket of
 * those marked {@link RateLimited} (before
 * authentication), per user on every endpoint with an {@code @Auth} parameter (after it: the session
 * check has already counted the request in its Redis round trip, so this only decides). Every
 * limited answer carries {@code RateLimit-Limit}, {@code RateLimit-Remaining} and
 * {@code RateLimit-Reset}; a refused one is {@code 429 rate_limited} with {@code Retry-After}.
 */
public final class RateLimitFeature implements DynamicFeature {
    private static final String DECISION = "oauth-api.rate-limit";
    private static final String COUNTED = "oauth-api.rate-counted";

    private final RateLimiter limiter;
    private final Map<RateLimited.Bucket, Integer> perIpPerWindow;
    private final int perUserPerMinute;
    private final AuthMetrics metrics;

    /** The limits of the {@code rateLimits} block: per address for sign-in and events, per user for the API. */
    public static RateLimitFeature of(RateLimiter limiter, dev.oauthapi.config.RateLimitsConfig limits, AuthMetrics metrics) {
        return new RateLimitFeature(limiter, Map.of(RateLimited.Bucket.AUTH, limits.authPerMinute(),
                RateLimited.Bucket.EVENTS, limits.eventsPerMinute(), RateLimited.Bucket.APP_CHECK,
                limits.appCheckPerMinute(), RateLimited.Bucket.ANONYMOUS, limits.anonymousPerHour()),
                limits.apiPerMinute(), metrics);
    }

    public RateLimitFeature(RateLimiter limiter, Map<RateLimited.Bucket, Integer> perIpPerWindow, int perUserPerMinute,
                            AuthMetrics metrics) {
        this.metrics = metrics;
        this.limiter = limiter;
        this.perIpPerWindow = Map.copyOf(perIpPerWindow);
        this.perUserPerMinute = perUserPerMinute;
    }

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        final Method method = resource.getResourceMethod();
        if (method.isAnnotationPresent(RateLimited.class)) {
            final RateLimited.Bucket bucket = method.getAnnotation(RateLimited.class).value();
            context.register(new PerClientAddress(bucket, perIpPerWindow.get(bucket)));
            context.register(new Headers());
        } else if (takesAuthenticatedUser(method)) {
            context.register(new PerUser());
            context.register(new Headers());
        }
    }

    /** The session check counted this request in the user's window already, in its own round trip. */
    public static void alreadyCounted(ContainerRequestContext request, RateLimitCounters.Count counted) {
        request.setProperty(COUNTED, counted);
    }

    private static boolean takesAuthenticatedUser(Method method) {
        return Arrays.stream(method.getParameterAnnotations())
                .flatMap(Arrays::stream)
                .map(Annotation::annotationType)
                .anyMatch(Auth.class::equals);
    }

    private void enforce(ContainerRequestContext request, String bucket, String key, int limit) {
        enforce(request, bucket, limiter.check(key, limit, RateLimiter.WINDOW));
    }

    private void enforce(ContainerRequestContext request, String bucket, RateLimiter.Decision decision) {
        request.setProperty(DECISION, decision);
        if (!decision.allowed()) {
            metrics.rateLimited(bucket);
            throw new ApiException(ErrorCode.RATE_LIMITED,
                    "Too many requests; try again in " + decision.resetSeconds() + " s.",
                    Map.of("Retry-After", Long.toString(decision.resetSeconds()),
                            "RateLimit-Limit", Integer.toString(decision.limit()),
                            "RateLimit-Remaining", "0",
                            "RateLimit-Reset", Long.toString(decision.resetSeconds())));
        }
    }

    @Priority(Priorities.AUTHENTICATION - 100)
    private final class PerClientAddress implements ContainerRequestFilter {
        private final String bucket;
        private final String prefix;
        private final int limit;
        private final java.time.Duration window;

        PerClientAddress(RateLimited.Bucket bucket, int limit) {
            this.bucket = bucket.name().toLowerCase(Locale.ROOT);
            this.window = bucket.window();
            // The AUTH bucket keeps the key it always had.
            this.prefix = bucket == RateLimited.Bucket.AUTH ? "ip:" : bucket.name().toLowerCase(Locale.ROOT) + ":ip:";
            this.limit = limit;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            // Request properties are the servlet request's attributes: ClientAddressFilter's answer.
            enforce(request, bucket, limiter.check(prefix + ClientAddress.rateBucket(
                    (String) request.getProperty(ClientAddress.ATTRIBUTE)), limit, window));
        }
    }

    @Priority(Priorities.AUTHORIZATION)
    private final class PerUser implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext request) {
            if (request.getProperty(COUNTED) instanceof RateLimitCounters.Count counted) {
                enforce(request, "user", limiter.decide(perUserPerMinute, counted));
            } else if (request.getSecurityContext().getUserPrincipal() != null) {
                final UUID userId = UUID.fromString(request.getSecurityContext().getUserPrincipal().getName());
                enforce(request, "user", RateLimiter.userCounter(userId), perUserPerMinute);
            }
        }
    }

    private static final class Headers implements ContainerResponseFilter {
        @Override
        public void filter(ContainerRequestContext request, ContainerResponseContext response) {
            if (request.getProperty(DECISION) instanceof RateLimiter.Decision decision && decision.allowed()) {
                response.getHeaders().putSingle("RateLimit-Limit", decision.limit());
                response.getHeaders().putSingle("RateLimit-Remaining", decision.remaining());
                response.getHeaders().putSingle("RateLimit-Reset", decision.resetSeconds());
            }
        }
    }
}
