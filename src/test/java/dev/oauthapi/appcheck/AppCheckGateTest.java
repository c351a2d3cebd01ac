package dev.oauthapi.appcheck;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.testing.MutableClock;
import dev.oauthapi.tokens.SigningKeyFiles;
import dev.oauthapi.tokens.SigningKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gate's decisions, one case each: a verified token is cached, but its expiry is the service
 * clock's to decide; the renewal rule the rotation statement applies matches the sign-in rule.
 */
class AppCheckGateTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));

    private AppTokens tokens(Path dir) throws Exception {
        new SigningKeyFiles(dir).generate(clock, new SecureRandom());
        return new AppTokens(SigningKeys.load(dir), "https://issuer.example", "api", Duration.ofHours(1), clock);
    }

    @Test
    void aCachedAppTokenStillExpiresByTheServiceClock(@TempDir Path dir) throws Exception {
        final AppTokens tokens = tokens(dir);
        final AppCheckGate gate = new AppCheckGate(AppCheckGate.Mode.ENFORCE, tokens, Set.of(), Map.of(),
                AuthMetrics.unexported(), clock);
        final String token = tokens.issue("ios", "ABCDE12345.com.example.app", null).token();

        assertThat(gate.read(token).outcome()).isEqualTo("passed");
        assertThat(gate.read(token).outcome()).as("from the cache").isEqualTo("passed");
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(gate.read(token).outcome()).isEqualTo("invalid");
        assertThat(gate.read(null).outcome()).isEqualTo("missing");
        assertThat(gate.read("garbage").outcome()).isEqualTo("invalid");
    }

    @Test
    void theRenewalRuleAdmitsWhatTheSignInRuleAdmits(@TempDir Path dir) throws Exception {
        final AppTokens tokens = tokens(dir);
        final AppCheckGate gate = new AppCheckGate(AppCheckGate.Mode.ENFORCE, tokens, Set.of("web"),
                Map.of("ios-client", "ABCDE12345.com.example.app", "android-client", "com.example.app"),
                AuthMetrics.unexported(), clock);
        final AppCheckGate.Presented none = gate.read(null);
        final AppCheckGate.Presented ios = gate.read(tokens.issue("ios", "ABCDE12345.com.example.app", null).token());
        final AppCheckGate.Presented debug = gate.read(tokens.issue("debug", "ci", null).token());

        for (String client : new String[] {"web", "ios-client", "android-client", "untied-client"}) {
            for (AppCheckGate.Presented presented : new AppCheckGate.Presented[] {none, ios, debug}) {
                boolean admitted;
                try {
                    gate.admit(presented, client, gate.isWeb(client));
                    admitted = true;
                } catch (ApiException e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.APP_CHECK_REQUIRED);
                    admitted = false;
                }
                assertThat(gate.renewal(presented).admits(client)).as(client + " with " + presented.outcome()
                        + " " + (presented.token() == null ? "" : presented.token().platform())).isEqualTo(admitted);
            }
        }
        assertThatThrownBy(() -> gate.admit(ios, "android-client", false)).isInstanceOf(ApiException.class);
        final AppCheckGate monitor = new AppCheckGate(AppCheckGate.Mode.MONITOR, tokens, Set.of(), Map.of(),
                AuthMetrics.unexported(), clock);
        monitor.admit(monitor.read(null), "ios-client", false);
        assertThat(monitor.renewal(monitor.read(null)).admits("ios-client")).isTrue();
    }
}
