package dev.oauthapi.redis;

import redis.clients.jedis.exceptions.JedisDataException;

import java.util.List;

/**
 * Redis is up but will not do what we asked for now: full under {@code noeviction} ({@code OOM}),
 * a read-only replica after a failover ({@code READONLY}), a failed snapshot ({@code MISCONF}),
 * still loading its data, busy with a script, or a cluster without a primary for the key's slot
 * ({@code CLUSTERDOWN}, during a failover) or moving it ({@code TRYAGAIN}). Answered like an unreachable Redis
 * ({@code 503 service_unavailable}, retry later), never as a 500: the request did nothing.
 */
public final class RedisRefused extends RedisUnavailable {
    private static final long serialVersionUID = 1L;
    private static final List<String> CODES =
            List.of("OOM", "READONLY", "MISCONF", "LOADING", "BUSY", "MASTERDOWN", "NOREPLICAS", "CLUSTERDOWN", "TRYAGAIN");

    RedisRefused(JedisDataException refusal) {
        super(refusal.getMessage(), refusal);
    }

    /** Whether Redis's error reply is one of the refusals above, rather than a bug of ours. */
    static boolean isRefusal(JedisDataException error) {
        final String message = String.valueOf(error.getMessage());
        return CODES.stream().anyMatch(code -> message.startsWith(code + " "));
    }
}
