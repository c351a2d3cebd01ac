package dev.oauthapi.redis;

/**
 * A call to Redis that did not do its work. Nothing outside {@code redis/} names a Jedis type:
 * callers catch this (and fall back to PostgreSQL, or answer 503) whatever the client library.
 * {@link RedisUnavailable} when Redis could not be reached or refused for now; this type alone for
 * an error Redis answered to what we sent (a bug of ours).
 */
public class RedisException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RedisException(String message, Throwable cause) {
        super(message, cause);
    }
}
