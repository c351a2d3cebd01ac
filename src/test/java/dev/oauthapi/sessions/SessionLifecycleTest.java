package dev.oauthapi.sessions;

import dev.oauthapi.testing.TestStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The unit of work publishes what it changed once, after commit, and nothing when it rolls back:
 * here the profile changes, which every instance's cached copies must learn of.
 */
class SessionLifecycleTest {
    static final TestStores STORES = TestStores.fresh();
    static final List<UUID> PUBLISHED = new CopyOnWriteArrayList<>();
    static final SessionLifecycle LIFECYCLE = STORES.lifecycle(PUBLISHED::add);

    @AfterAll
    static void close() {
        STORES.close();
    }

    @Test
    void aProfileChangeIsPublishedOnceAfterCommit() {
        final UUID user = UUID.randomUUID();
        PUBLISHED.clear();

        LIFECYCLE.inTransaction(tx -> {
            tx.profileChanged(user);
            tx.profileChanged(user);
            assertThat(PUBLISHED).as("not before commit").isEmpty();
            return null;
        });

        assertThat(PUBLISHED).containsExactly(user);
    }

    @Test
    void aTransactionThatRollsBackPublishesNothing() {
        PUBLISHED.clear();

        assertThatThrownBy(() -> LIFECYCLE.inTransaction(tx -> {
            tx.profileChanged(UUID.randomUUID());
            throw new IllegalStateException("rolled back");
        })).hasMessage("rolled back");

        assertThat(PUBLISHED).isEmpty();
    }
}
