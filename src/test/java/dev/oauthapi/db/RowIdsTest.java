package dev.oauthapi.db;

import dev.oauthapi.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class RowIdsTest {
    final MutableClock clock = MutableClock.startingNow();
    final RowIds ids = new RowIds(clock, new SecureRandom());

    @Test
    void idsAreVersion7WithTheCreationMillisecondFirst() {
        final UUID id = ids.next();

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(clock.millis());
    }

    @Test
    void laterIdsSortAfterEarlierOnesAsPostgresComparesThem() {
        final UUID earlier = ids.next();
        clock.advance(Duration.ofMillis(1));
        final UUID later = ids.next();

        // PostgreSQL compares uuid bytes unsigned, left to right: the string order is the same.
        assertThat(later.toString()).isGreaterThan(earlier.toString());
    }

    @Test
    void idsOfOneMillisecondDifferInTheirRandomBits() {
        final Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            seen.add(ids.next());
        }

        assertThat(seen).hasSize(10_000);
    }
}
