package dev.oauthapi.db;

import java.time.Instant;
import java.util.UUID;

/** A row of {@code refresh_tokens}: one token a session was given, by its hash. */
public record RefreshTokenRow(byte[] tokenHash, UUID sessionId, int generation, Instant issuedAt,
                              Instant supersededAt, byte[] successorSealed) {
}
