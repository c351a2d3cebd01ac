package dev.oauthapi.identity;

import java.time.Instant;

/**
 * What a provider vouches for, after every check passed. {@code clientId} is the app the token was
 * issued to (the authorized party, else the audience); {@code nonce} the claim as sent;
 * {@code hostedDomain} Google's {@code hd}, the Workspace domain that vouches for the address;
 * {@code transferSub} Apple's {@code transfer_sub}, while the app moves to another team (TN3159).
 */
public record VerifiedIdToken(
        Provider provider,
        String subject,
        String clientId,
        String email,
        boolean emailVerified,
        boolean isPrivateEmail,
        String hostedDomain,
        String name,
        String picture,
        String nonce,
        Instant issuedAt,
        Instant expiresAt,
        String transferSub) {

    public VerifiedIdToken(Provider provider, String subject, String clientId, String email, boolean emailVerified,
                           boolean isPrivateEmail, String hostedDomain, String name, String picture, String nonce,
                           Instant issuedAt, Instant expiresAt) {
        this(provider, subject, clientId, email, emailVerified, isPrivateEmail, hostedDomain, name, picture, nonce,
                issuedAt, expiresAt, null);
    }

    /**
     * Whether the provider is the authority for this e-mail address, so that it may link accounts.
     * Apple relays or verifies its users' addresses itself. Google is the authority for Gmail and
     * for Workspace domains ({@code hd}); for any other address Google only saw it verified once,
     * and whoever controlled it then could have made a Google account with it.
     */
    public boolean isEmailAuthoritative() {
        if (email == null || !emailVerified) {
            return false;
        }
        if (provider != Provider.GOOGLE) {
            return true;
        }
        final String lower = email.toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith("@gmail.com") || hostedDomain != null && lower.endsWith("@" + hostedDomain.toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public String toString() {
        // The e-mail address stays out of logs.
        return "VerifiedIdToken[" + provider.wireName() + ", subject=" + subject + ", clientId=" + clientId + "]";
    }
}
