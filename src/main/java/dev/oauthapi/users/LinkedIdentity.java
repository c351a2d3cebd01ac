package dev.oauthapi.users;

import java.time.Instant;

/** One of a user's provider accounts, as the user may see it. */
public record LinkedIdentity(String provider, String email, boolean isPrivateEmail, Instant linkedAt) {
}
