package dev.oauthapi.appcheck;

import dev.oauthapi.testing.MutableClock;
import dev.oauthapi.tokens.AccessTokens;
import dev.oauthapi.tokens.SigningKeyFiles;
import dev.oauthapi.tokens.SigningKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class AppTokensTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));

    private SigningKeys keys(Path dir) throws Exception {
        new SigningKeyFiles(dir).generate(clock, new SecureRandom());
        return SigningKeys.load(dir);
    }

    @Test
    void anAppTokenNamesItsPlatformAppAndKeyUntilItExpires(@TempDir Path dir) throws Exception {
        final AppTokens tokens = new AppTokens(keys(dir), "https://issuer.example", "api", Duration.ofHours(1), clock);

        final AppTokens.Issued issued = tokens.issue("ios", "ABCDE12345.com.example.app", "a2V5");

        assertThat(issued.expiresIn()).isEqualTo(Duration.ofHours(1));
        assertThat(tokens.verify(issued.token())).hasValueSatisfying(token -> {
            assertThat(token).isEqualTo(new AppTokens.AppToken("ios", "ABCDE12345.com.example.app", "a2V5",
                    clock.instant().plus(Duration.ofHours(1)), token.signingKeyId()));
            assertThat(tokens.isKeyStillPublished(token)).isTrue();
        });
        assertThat(tokens.verify(tokens.issue("android", "com.example.app", null).token()))
                .hasValueSatisfying(token -> assertThat(token.keyId()).isNull());
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(tokens.verify(issued.token())).as("expired").isEmpty();
    }

    @Test
    void anAccessTokenIsNeverAnAppTokenNorTheOtherWayRound(@TempDir Path dir) throws Exception {
        final SigningKeys keys = keys(dir);
        final AppTokens apps = new AppTokens(keys, "https://issuer.example", "api", Duration.ofHours(1), clock);
        final AccessTokens access = new AccessTokens(keys, "https://issuer.example", "api", Duration.ofMinutes(15), clock);

        final String accessToken = access.issue(UUID.randomUUID(), UUID.randomUUID(), "user", "web").token();
        final String appToken = apps.issue("debug", "ci", null).token();

        assertThat(apps.verify(accessToken)).isEmpty();
        assertThat(access.verify(appToken)).isEmpty();
        assertThat(apps.verify("not.a.token")).isEmpty();
        assertThat(apps.verify(appToken.substring(0, appToken.length() - 2) + "AA")).as("tampered").isEmpty();
        assertThat(new AppTokens(keys, "https://other.example", "api", Duration.ofHours(1), clock).verify(appToken))
                .as("another issuer").isEmpty();
    }
}
