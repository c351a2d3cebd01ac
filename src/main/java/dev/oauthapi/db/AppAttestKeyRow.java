package dev.oauthapi.db;

import java.time.Instant;

/** A row of {@code app_attest_keys}: one attested App Attest device key. */
public record AppAttestKeyRow(byte[] keyId, byte[] publicKey, long counter, byte[] receipt, String appId,
                              String environment, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
    @Override
    public String toString() {
        return "AppAttestKeyRow[" + appId + ", " + environment + "]";
    }
}
