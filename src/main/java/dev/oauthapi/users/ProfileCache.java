package dev.oauthapi.users;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.oauthapi.redis.UserVersions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.oauthapi.redis.RedisException;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Profiles as {@code GET /api/users/me} answers them, kept in this instance and used only while
 * the user's version in Redis still is the one they were read under. The version arrives with the
 * session check every authenticated request makes anyway, so a hit costs no round trip at all,
 * and a change committed on any instance ({@link #changed}) replaces the version, so every
 * instance's copy stops matching on its next request.
 *
 * <p>A copy is read only after the version it is filed under, and a version is replaced only
 * after the change committed, so no copy older than its version is ever filed. Should Redis be
 * unreachable when a change commits, other instances may serve their copy until it is
 * {@link #MAX_AGE} old; while Redis does not answer requests, no copy is used at all.
 */
public final class ProfileCache {
    static final Duration MAX_AGE = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(ProfileCache.class);

    private record Entry(String version, UserProfile profile) {
    }

    private final UserVersions versions;
    private final Cache<UUID, Entry> entries;

    /** @param size how many profiles at most (a few hundred bytes each) */
    public ProfileCache(UserVersions versions, long size) {
        this.versions = versions;
        this.entries = Caffeine.newBuilder().maximumSize(size).expireAfterWrite(MAX_AGE).build();
    }

    /** The cached profile, if it was read under {@code version}; never when the version is unknown (null). */
    Optional<UserProfile> get(UUID userId, String version) {
        if (version == null) {
            return Optional.empty();
        }
        final Entry entry = entries.getIfPresent(userId);
        return entry != null && entry.version().equals(version) ? Optional.of(entry.profile()) : Optional.empty();
    }

    /** Files a profile read after {@code version} was; nothing when the version is unknown. */
    void put(UUID userId, String version, UserProfile profile) {
        if (version != null) {
            entries.put(userId, new Entry(version, profile));
        }
    }

    /** Call after a change to what the user's profile shows committed (the unit of work does). */
    public void changed(UUID userId) {
        entries.invalidate(userId);
        try {
            versions.replace(userId);
        } catch (RedisException e) {
            LOG.warn("Could not replace the version of user {} in Redis ({}): other instances may show its old"
                    + " profile for up to {} s", userId, e.toString(), MAX_AGE.toSeconds());
        }
    }
}
