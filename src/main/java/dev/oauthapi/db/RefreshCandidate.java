package dev.oauthapi.db;

/** A presented refresh token, its session's current generation, and the session's user. */
public record RefreshCandidate(RefreshTokenRow token, int currentGeneration, UserRow user) {
}
