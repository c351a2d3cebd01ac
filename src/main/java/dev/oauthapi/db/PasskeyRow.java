package dev.oauthapi.db;

import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code passkeys}: one credential of one user. {@code publicKey} is the COSE key the
 * authenticator registered; {@code transports} WebAuthn's hints, comma-separated.
 */
public record PasskeyRow(UUID id, UUID userId, byte[] credentialId, byte[] publicKey, int algorithm, long signCount,
                         String transports, boolean backupEligible, boolean backedUp, UUID aaguid, String name,
                         Instant createdAt, Instant lastUsedAt) {
    @Override
    public boolean equals(Object other) {
        return other instanceof PasskeyRow row && id.equals(row.id) && userId.equals(row.userId)
                && java.util.Arrays.equals(credentialId, row.credentialId) && java.util.Arrays.equals(publicKey, row.publicKey)
                && algorithm == row.algorithm && signCount == row.signCount && transports.equals(row.transports)
                && backupEligible == row.backupEligible && backedUp == row.backedUp
                && java.util.Objects.equals(aaguid, row.aaguid) && java.util.Objects.equals(name, row.name)
                && createdAt.equals(row.createdAt) && java.util.Objects.equals(lastUsedAt, row.lastUsedAt);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "PasskeyRow[" + id + " of " + userId + "]";
    }
}
