package dev.oauthapi.http;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an unauthenticated endpoint limited per client IP ({@code AUTH_RATE_LIMIT_PER_MINUTE}).
 * Authenticated endpoints need no mark: each is limited per user ({@code API_RATE_LIMIT_PER_MINUTE}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RateLimited {
    Bucket value();

    enum Bucket { AUTH }
}
