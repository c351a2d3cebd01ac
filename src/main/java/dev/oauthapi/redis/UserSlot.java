package dev.oauthapi.redis;

import java.util.UUID;

/**
 * The hash tag of a user's keys. What one request asks of Redis in one script (its session's
 * live entry and tombstone, the user's rate counter and version) and what one revocation writes
 * together (the tombstones of a user's sessions) are the same user's keys: each carries the
 * user's id in braces, so Redis Cluster keeps all of them in one slot, on one node, where a script
 * or a pipeline may use them together. Outside a cluster the braces mean nothing.
 */
public final class UserSlot {
    private UserSlot() {
    }

    public static String tag(UUID userId) {
        return "{" + userId + "}";
    }
}
