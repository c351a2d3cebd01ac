package dev.oauthapi.passkeys;

import dev.oauthapi.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasskeyChallengesTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
    private final byte[] key = new byte[32];
    private final PasskeyChallenges challenges = new PasskeyChallenges(() -> key, new SecureRandom(), clock);

    private static void refused(Runnable open, String check) {
        assertThatThrownBy(open::run).isInstanceOf(PasskeyRejected.class)
                .satisfies(e -> assertThat(((PasskeyRejected) e).check()).isEqualTo(check));
    }

    @Test
    void aChallengeOpensForItsUserOrForASignInUntilItExpires() {
        final UUID user = UUID.randomUUID();
        final byte[] registration = challenges.issue(user);
        final byte[] signIn = challenges.issue(null);

        assertThat(challenges.open(registration, user)).isEqualTo(clock.instant().plus(PasskeyChallenges.TTL));
        assertThat(challenges.open(signIn, null)).isEqualTo(clock.instant().plus(PasskeyChallenges.TTL));
        assertThat(challenges.issue(null)).as("random: never the same twice").isNotEqualTo(signIn);

        clock.advance(PasskeyChallenges.TTL);
        refused(() -> challenges.open(signIn, null), "challengeExpired");
    }

    @Test
    void aChallengeForAnotherUserOrAnotherCeremonyOrNotOursIsRefused() {
        final UUID user = UUID.randomUUID();
        final byte[] registration = challenges.issue(user);

        refused(() -> challenges.open(registration, UUID.randomUUID()), "challengeUser");
        refused(() -> challenges.open(registration, null), "challengeUser");
        refused(() -> challenges.open(challenges.issue(null), user), "challengeUser");
        final byte[] tampered = registration.clone();
        tampered[3] ^= 1;
        refused(() -> challenges.open(tampered, user), "challenge");
        refused(() -> challenges.open(new byte[32], null), "challenge");
        refused(() -> challenges.open(null, null), "challenge");
        final PasskeyChallenges otherKey = new PasskeyChallenges(() -> new byte[] {1}, new SecureRandom(), clock);
        refused(() -> otherKey.open(registration, user), "challenge");
    }
}
