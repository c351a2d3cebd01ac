package dev.oauthapi.identity;

import java.time.Instant;

/**
 * What a provider vouches for, after every check passed. {@code clientId} is the app the token was
 * issued to (the authorized party, else the audience); {@code nonce} the claim as sent.
 */
public record VerifiedIdToken(
        Provider provider,
        String subject,
        String clientId,
        String email,
        boolean emailVerified,
        boolean isPrivateEmail,
        String name,
        String picture,
        String nonce,
        Instant issuedAt,
        Instant expiresAt) {

    @Override
    public String toString() {
        // The e-mail address stays out of logs.
        return "VerifiedIdToken[" + provider.wireName() + ", subject=" + subject + ", clientId=" + clientId + "]";
    }
}
