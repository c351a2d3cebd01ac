package dev.oauthapi.users;

import java.time.Instant;
import java.util.UUID;

/** A committed sign-in: the user, the new session, and its first refresh token (plain, to hand out once). */
public record SignedIn(UserProfile user, boolean isNewUser, UUID sessionId, String clientId, String refreshToken,
                       Instant refreshExpiresAt) {

    @Override
    public String toString() {
        return "SignedIn[user=" + user.id() + ", session=" + sessionId + ", new=" + isNewUser + "]";
    }
}
