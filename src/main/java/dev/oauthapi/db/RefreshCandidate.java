package dev.oauthapi.db;

/**
 * A presented refresh token of an older release, its session's latest generation in
 * {@code refresh_tokens}, whether the session row has taken over its refresh tokens since (its
 * current token names the session), and the session's user.
 */
public record RefreshCandidate(RefreshTokenRow token, int currentGeneration, boolean movedToSession, UserRow user) {
}
