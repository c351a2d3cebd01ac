package dev.oauthapi.redis;

/**
 * Redis could not be reached, did not answer in time, or a cluster gave up retrying: the work
 * did not happen (or may not have). Answered {@code 503 service_unavailable} where nothing else
 * can answer.
 */
public class RedisUnavailable extends RedisException {
    private static final long serialVersionUID = 1L;

    RedisUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
