package dev.oauthapi.users;

import dev.oauthapi.db.UserDao;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.sessions.SessionLifecycle;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What a user's profile shows, read through every instance's cached copy, and changed by its owner.
 * A change is published after commit by the unit of work, which makes every cached copy stale.
 */
public final class Profiles {
    private final Jdbi jdbi;
    private final SessionLifecycle lifecycle;
    private final Clock clock;
    private final ProfileCache cache;

    public Profiles(Jdbi jdbi, SessionLifecycle lifecycle, Clock clock, ProfileCache cache) {
        this.jdbi = jdbi;
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.cache = cache;
    }

    /**
     * The user's profile: the copy cached under {@code userVersion} (what the request's session
     * check read from Redis), else one statement, cached under it.
     */
    public UserProfile profile(UUID userId, String userVersion) {
        final Optional<UserProfile> cached = cache.get(userId, userVersion);
        if (cached.isPresent()) {
            return cached.get();
        }
        final UserProfile profile = jdbi.withHandle(handle -> read(handle, userId));
        cache.put(userId, userVersion, profile);
        return profile;
    }

    /** Sets the fields given (null leaves a field as it is). */
    public UserProfile update(UUID userId, String name, String avatarUrl) {
        return lifecycle.inTransaction(tx -> {
            if (new UserDao(tx.handle()).updateProfile(userId, name, avatarUrl, clock.instant()) == 0) {
                throw userGone();
            }
            tx.profileChanged(userId);
            return read(tx.handle(), userId);
        });
    }

    /** The user with its identities, as of the transaction {@code handle} is in: one statement. */
    public static UserProfile read(Handle handle, UUID userId) {
        return UserProfile.of(new UserDao(handle).findWithIdentities(userId).orElseThrow(Profiles::userGone));
    }

    /** The token's user is gone (the account was deleted): the token is no longer good. */
    public static ApiException userGone() {
        return new ApiException(ErrorCode.INVALID_TOKEN, "The account of this token no longer exists.",
                Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""));
    }
}
