package dev.oauthapi.redis;

import java.util.UUID;

/** A session and its user: the user's id is its keys' hash tag (see {@link UserSlot}). */
public record SessionRef(UUID userId, UUID sessionId) {
}
