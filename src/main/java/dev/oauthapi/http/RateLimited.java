package dev.oauthapi.http;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an unauthenticated endpoint limited per client IP, in the bucket named.
 * Authenticated endpoints need no mark: each is limited per user ({@code API_RATE_LIMIT_PER_MINUTE}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RateLimited {
    Bucket value();

    enum Bucket {
        /** Nonce, sign-in, refresh: {@code AUTH_RATE_LIMIT_PER_MINUTE}. */
        AUTH(RateLimiter.WINDOW),
        /** Apple's and Google's account events: {@code EVENTS_RATE_LIMIT_PER_MINUTE}. */
        EVENTS(RateLimiter.WINDOW),
        /** App attestation (challenge, Apple, Android, debug): {@code APP_CHECK_RATE_LIMIT_PER_MINUTE}. */
        APP_CHECK(RateLimiter.WINDOW),
        /** Guest sign-up: {@code ANONYMOUS_RATE_LIMIT_PER_HOUR}; a minute's window would let 60 times as many through. */
        ANONYMOUS(RateLimiter.LONGEST_WINDOW);

        private final java.time.Duration window;

        Bucket(java.time.Duration window) {
            this.window = window;
        }

        public java.time.Duration window() {
            return window;
        }
    }
}
