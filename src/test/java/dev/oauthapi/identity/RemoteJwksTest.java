package dev.oauthapi.identity;

import dev.oauthapi.metrics.AuthMetrics;

import dev.oauthapi.testing.FakeProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The provider key cache: bounded refetches, surviving outages, bounded fetches. */
class RemoteJwksTest {
    private final FakeProvider provider = FakeProvider.start(Provider.GOOGLE);
    private final dev.oauthapi.testing.MutableClock clock = new dev.oauthapi.testing.MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    private final RemoteJwks jwks = new RemoteJwks(Provider.GOOGLE, provider.jwksUrl(), RemoteJwks.httpClient(), clock,
            AuthMetrics.unexported());

    @AfterEach
    void stop() {
        provider.close();
    }

    @Test
    void fetchesOnceAndServesKnownKeysFromMemory() {
        final String keyId = provider.currentKey().keyId();

        for (int i = 0; i < 100; i++) {
            assertThat(jwks.find(keyId)).isNotNull();
        }

        assertThat(provider.keyFetches()).isEqualTo(1);
    }

    @Test
    void unknownKeyIdsRefetchAtMostOnceEveryThirtySeconds() {
        jwks.find(provider.currentKey().keyId());

        for (int i = 0; i < 200; i++) {
            assertThat(jwks.find("random-" + i)).isNull();
        }
        assertThat(provider.keyFetches()).as("no refetch within 30 s of the last fetch").isEqualTo(1);

        clock.advance(Duration.ofSeconds(30));
        for (int i = 0; i < 200; i++) {
            assertThat(jwks.find("random-later-" + i)).isNull();
        }
        assertThat(provider.keyFetches()).as("one refetch for the whole flood").isEqualTo(2);

        clock.advance(Duration.ofSeconds(29));
        assertThat(jwks.find("random-again")).isNull();
        assertThat(provider.keyFetches()).isEqualTo(2);
    }

    @Test
    void aRotatedKeyIsFoundByTheRefetch() {
        jwks.find(provider.currentKey().keyId());
        clock.advance(Duration.ofSeconds(31));

        final String rotated = provider.rotate().keyId();

        assertThat(jwks.find(rotated)).isNotNull();
    }

    @Test
    void cachedKeysKeepWorkingWhileTheProviderIsDown() {
        final String keyId = provider.currentKey().keyId();
        jwks.find(keyId);
        provider.failWith(500);
        clock.advance(Duration.ofHours(2)); // stale: a refresh is tried, and fails

        assertThat(jwks.find(keyId)).isNotNull();
        assertThat(provider.keyFetches()).isEqualTo(2);
    }

    @Test
    void anUnknownKeyWhileTheProviderIsDownIsUnavailableNotRejected() {
        provider.failWith(503);

        assertThatThrownBy(() -> jwks.find(provider.currentKey().keyId())).isInstanceOf(ProviderUnavailable.class);

        provider.heal();
        clock.advance(Duration.ofSeconds(30));
        assertThat(jwks.find(provider.currentKey().keyId())).isNotNull();
    }

    @Test
    void aFetchGivesUpAfterThreeSeconds() {
        provider.stall(4_000);

        final long started = System.nanoTime();
        assertThatThrownBy(() -> jwks.find("any")).isInstanceOf(ProviderUnavailable.class);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(3_900));
    }

    @Test
    void anOversizedKeySetIsRefused() {
        provider.serve(new byte[RemoteJwks.MAX_BYTES + 1]);

        assertThatThrownBy(() -> jwks.find(provider.currentKey().keyId())).isInstanceOf(ProviderUnavailable.class);
    }
}
