package dev.oauthapi.db;

import dev.oauthapi.testing.TestStores;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.Function;

/**
 * One migrated database for every DAO test (each test makes rows of its own, with fresh ids), and
 * the rows they start from. Each DAO is tested on the real changelog, as it runs in production.
 */
final class Rows {
    private static final TestStores STORES = TestStores.fresh();
    static final Jdbi JDBI = STORES.jdbi();
    /** Each statement on it commits by itself: what a test reads back is what others would see. */
    static final Handle HANDLE = JDBI.open();
    /** Microseconds, as PostgreSQL keeps them: what is read back equals what was written. */
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS);

    private Rows() {
    }

    static <T> T in(Function<Handle, T> work) {
        return JDBI.inTransaction(work::apply);
    }

    static UserRow user(String role) {
        final UUID id = UUID.randomUUID();
        final UserRow user = new UserRow(id, "u" + id.toString().substring(0, 8) + "@example.com", true, "Ada", null,
                role, null, NOW, NOW, false);
        in(handle -> {
            new UserDao(handle).insert(user);
            return null;
        });
        return user;
    }

    static IdentityRow identity(UserRow user, String provider) {
        final IdentityRow identity = new IdentityRow(UUID.randomUUID(), user.id(), provider, UUID.randomUUID().toString(),
                user.email(), true, false, NOW, NOW);
        in(handle -> {
            new IdentityDao(handle).insert(identity);
            return null;
        });
        return identity;
    }

    /** A session with the hash of its first refresh token's secret (generation 0) on its row. */
    static SessionRow session(UserRow user, String provider, byte[] refreshHash) {
        final SessionRow session = newSession(user, provider);
        new SessionDao(HANDLE).insert(session, refreshHash, null);
        return session;
    }

    /** A session as older releases start one: its first refresh token a row of {@code refresh_tokens}. */
    static SessionRow legacySession(UserRow user, String provider, byte[] refreshTokenHash) {
        final SessionRow session = newSession(user, provider);
        new SessionDao(HANDLE).insertLegacy(session, refreshTokenHash, null);
        return session;
    }

    /** A session row of the user, not stored. */
    static SessionRow newSession(UserRow user, String provider) {
        return new SessionRow(UUID.randomUUID(), user.id(), provider, "client", "ios", "iPhone", "1.0",
                "192.0.2.1", "test", NOW, NOW, NOW.plus(Duration.ofDays(30)), NOW.plus(Duration.ofDays(180)), null, null,
                null);
    }

    static byte[] hash() {
        final byte[] hash = new byte[32];
        new java.security.SecureRandom().nextBytes(hash);
        return hash;
    }
}
