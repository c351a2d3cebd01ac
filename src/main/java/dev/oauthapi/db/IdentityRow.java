package dev.oauthapi.db;


import java.time.Instant;
import java.util.UUID;

/** A row of {@code identities}: one account at Google or Apple, (provider, subject) unique. */
public record IdentityRow(UUID id, UUID userId, String provider, String subject, String email,
                          boolean emailVerified, boolean isPrivateEmail, Instant linkedAt, Instant lastSignInAt,
                          Instant signInDisabledAt) {

    public IdentityRow(UUID id, UUID userId, String provider, String subject, String email, boolean emailVerified,
                       boolean isPrivateEmail, Instant linkedAt, Instant lastSignInAt) {
        this(id, userId, provider, subject, email, emailVerified, isPrivateEmail, linkedAt, lastSignInAt, null);
    }

    @Override
    public String toString() {
        return "IdentityRow[" + provider + ", user " + userId + "]";
    }
}
