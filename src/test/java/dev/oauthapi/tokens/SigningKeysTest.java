package dev.oauthapi.tokens;

import dev.oauthapi.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys that roll without a refused token: a new key is published at once and signs only after the
 * activation delay; a lone first key signs at once; the folder is read again without a restart.
 */
class SigningKeysTest {
    private static final Duration DELAY = Duration.ofMinutes(10);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));

    private static String keyId(Path file) {
        final String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".pem".length());
    }

    @Test
    void aLoneFirstKeySignsAtOnce(@TempDir Path dir) throws Exception {
        final Path only = new SigningKeyFiles(dir).generate(clock, new SecureRandom());

        final SigningKeys keys = SigningKeys.load(dir, DELAY, clock);

        assertThat(keys.current().keyId()).isEqualTo(keyId(only));
    }

    @Test
    void aNewKeyIsPublishedAtOnceAndSignsOnlyAfterTheDelay(@TempDir Path dir) throws Exception {
        final SigningKeyFiles files = new SigningKeyFiles(dir);
        final Path old = files.generate(Clock.offset(clock, Duration.ofDays(-30)), new SecureRandom());
        final SigningKeys keys = SigningKeys.load(dir, DELAY, clock);
        final Path added = files.generate(clock, new SecureRandom());

        keys.reload();

        assertThat(keys.publicJwks()).hasSize(2);
        assertThat(keys.find(keyId(added))).as("verifies at once").isPresent();
        assertThat(keys.current().keyId()).as("the old key still signs").isEqualTo(keyId(old));
        clock.advance(DELAY.minusSeconds(1));
        assertThat(keys.current().keyId()).isEqualTo(keyId(old));
        clock.advance(Duration.ofSeconds(1));
        assertThat(keys.current().keyId()).as("signs once the delay is over").isEqualTo(keyId(added));
    }

    @Test
    void aKeyMadeEarlierButCopiedInNowStillWaitsTheDelay(@TempDir Path dir) throws Exception {
        final SigningKeyFiles files = new SigningKeyFiles(dir);
        final Path old = files.generate(Clock.offset(clock, Duration.ofDays(-30)), new SecureRandom());
        final SigningKeys keys = SigningKeys.load(dir, DELAY, clock);
        final Path madeYesterday = files.generate(Clock.offset(clock, Duration.ofDays(-1)), new SecureRandom());

        keys.reload();

        assertThat(keys.current().keyId()).as("published just now").isEqualTo(keyId(old));
        clock.advance(DELAY);
        assertThat(keys.current().keyId()).isEqualTo(keyId(madeYesterday));
    }

    @Test
    void aKeyMadeLongAgoButCopiedInBeforeAStartStillWaitsTheDelay(@TempDir Path dir) throws Exception {
        final SigningKeyFiles files = new SigningKeyFiles(dir);
        final Path old = files.generate(Clock.offset(clock, Duration.ofDays(-30)), new SecureRandom());
        final Path madeLastWeek = files.generate(Clock.offset(clock, Duration.ofDays(-7)), new SecureRandom());
        Files.setLastModifiedTime(madeLastWeek, java.nio.file.attribute.FileTime.from(clock.instant())); // copied in now

        final SigningKeys keys = SigningKeys.load(dir, DELAY, clock); // a restart with the new image

        assertThat(keys.current().keyId()).as("the instances not restarted yet do not have it")
                .isEqualTo(keyId(old));
        clock.advance(DELAY);
        assertThat(keys.current().keyId()).isEqualTo(keyId(madeLastWeek));
    }

    @Test
    void whileNoKeyIsOldEnoughTheOldestSigns(@TempDir Path dir) throws Exception {
        final SigningKeyFiles files = new SigningKeyFiles(dir);
        final Path first = files.generate(clock, new SecureRandom());
        files.generate(Clock.offset(clock, Duration.ofMinutes(1)), new SecureRandom());

        final SigningKeys keys = SigningKeys.load(dir, DELAY, clock);

        assertThat(keys.current().keyId()).isEqualTo(keyId(first));
    }

    @Test
    void aRemovedKeyStopsVerifyingAndABadFolderChangesNothing(@TempDir Path dir) throws Exception {
        final SigningKeyFiles files = new SigningKeyFiles(dir);
        final Path old = files.generate(Clock.offset(clock, Duration.ofDays(-30)), new SecureRandom());
        final Path current = files.generate(Clock.offset(clock, Duration.ofDays(-1)), new SecureRandom());
        final SigningKeys keys = SigningKeys.load(dir, DELAY, clock);

        Files.delete(old);
        keys.reload();

        assertThat(keys.find(keyId(old))).isEmpty();
        assertThat(keys.current().keyId()).isEqualTo(keyId(current));

        Files.writeString(dir.resolve("broken.pem"), "not a key");
        keys.reload();

        assertThat(keys.find(keyId(current))).as("the keys in use stay").isPresent();
        assertThat(keys.publicJwks()).hasSize(1);
    }
}
