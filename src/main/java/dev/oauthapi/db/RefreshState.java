package dev.oauthapi.db;

import java.time.Instant;

/**
 * A session as a refresh that was not the ordinary one decides on it: the session, its user's role
 * and whether the user is disabled, and its refresh state. {@code refreshHash} is null for a session
 * an older release started and that has not been refreshed since (its tokens are in
 * {@code refresh_tokens}).
 *
 * @param previousHash    the hash of the previous generation's secret; null before the first rotation
 * @param successorSealed the current token, sealed under the previous one (the grace rule)
 * @param refreshedAt     when the previous token was replaced
 */
public record RefreshState(SessionRow session, String role, boolean userDisabled, int generation, byte[] refreshHash,
                           byte[] previousHash, byte[] successorSealed, Instant refreshedAt, boolean anonymous) {
}
