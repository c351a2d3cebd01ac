package dev.oauthapi.appcheck;

import dev.oauthapi.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppCheckChallengesTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
    private final AppCheckChallenges challenges = new AppCheckChallenges(() -> new byte[32], new SecureRandom(), clock);

    private static void refused(Runnable open, String step) {
        assertThatThrownBy(open::run).isInstanceOf(AppCheckRejected.class)
                .satisfies(e -> assertThat(((AppCheckRejected) e).step()).isEqualTo(step));
    }

    @Test
    void aChallengeIsBase64urlWithinTheContractsLengthsAndOpensUntilItExpires() {
        final String challenge = challenges.issue();

        assertThat(challenge).matches("[A-Za-z0-9_-]{43,500}");
        assertThat(challenges.open(challenge)).isEqualTo(clock.instant().plus(AppCheckChallenges.TTL));
        assertThat(challenges.issue()).isNotEqualTo(challenge);
        clock.advance(AppCheckChallenges.TTL);
        refused(() -> challenges.open(challenge), "challengeExpired");
    }

    @Test
    void aChallengeNotOursIsRefused() {
        final String challenge = challenges.issue();
        final char last = challenge.charAt(challenge.length() - 1);
        refused(() -> challenges.open(challenge.substring(0, challenge.length() - 1) + (last == 'A' ? 'B' : 'A')),
                "challenge");
        refused(() -> challenges.open(challenge + "="), "challenge");
        refused(() -> challenges.open(null), "challenge");
        refused(() -> new AppCheckChallenges(() -> new byte[] {1}, new SecureRandom(), clock).open(challenge),
                "challenge");
    }
}
