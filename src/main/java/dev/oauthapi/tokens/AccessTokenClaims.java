package dev.oauthapi.tokens;

import java.time.Instant;
import java.util.UUID;

/** What a verified access token of ours says, and the key that signed it. */
public record AccessTokenClaims(UUID userId, UUID sessionId, String role, String clientId, String tokenId,
                                Instant expiresAt, String keyId) {
}
