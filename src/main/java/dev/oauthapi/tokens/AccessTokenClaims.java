package dev.oauthapi.tokens;

import java.time.Instant;
import java.util.UUID;

/**
 * What a verified access token of ours says, and the key that signed it. {@code dpopJkt}: the DPoP
 * key it is bound to ({@code cnf.jkt}), null for a Bearer token.
 */
public record AccessTokenClaims(UUID userId, UUID sessionId, String role, String clientId, String tokenId,
                                Instant expiresAt, String keyId, String dpopJkt) {
}
