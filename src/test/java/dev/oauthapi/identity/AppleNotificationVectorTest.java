package dev.oauthapi.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real Apple server-to-server notification among the vectors, through the event verifier. */
class AppleNotificationVectorTest {
    private static JsonNode vector() throws IOException {
        try (InputStream in = AppleNotificationVectorTest.class.getResourceAsStream("/vectors/provider-tokens.json")) {
            for (JsonNode vector : new ObjectMapper().readTree(in).path("vectors")) {
                if (vector.path("claims").has("events")) {
                    return vector;
                }
            }
        }
        throw new IllegalStateException("no notification vector");
    }

    private static IdTokenVerifier verifier(JsonNode vector, String audience, Instant at) {
        return new IdTokenVerifier(Provider.APPLE, Set.of(audience), KeySource.of(vector.path("jwks").toString()),
                Clock.fixed(at, ZoneOffset.UTC), Duration.ofHours(1), false);
    }

    @Test
    void verifiesWithAppleKeysAndItsAudienceAndCarriesItsEventsAsAJsonString() throws IOException {
        final JsonNode vector = vector();
        final Instant at = Instant.ofEpochSecond(vector.path("fixed_clock_epoch_seconds").asLong());

        final JsonNode claims = verifier(vector, "com.gameroasters.stack4", at).verifyEvent(vector.path("token").asText());

        assertThat(claims.path("jti").asText()).isEqualTo("B94OdD03pFsaYaN-Ftv7mA");
        assertThat(claims.path("events").isTextual()).isTrue();
        final JsonNode events = new ObjectMapper().readTree(claims.path("events").asText());
        assertThat(events.path("type").asText()).isEqualTo("email-disabled");
        assertThat(events.path("sub").asText()).isEqualTo("001026.16112b36378440d995af22b268f00984.1744");
    }

    @Test
    void isRefusedForAnotherAudienceOrAfterItExpired() throws IOException {
        final JsonNode vector = vector();
        final String token = vector.path("token").asText();
        final Instant at = Instant.ofEpochSecond(vector.path("fixed_clock_epoch_seconds").asLong());
        final Instant late = Instant.ofEpochSecond(vector.path("expired_after_epoch_seconds").asLong()).plusSeconds(61);

        assertThatThrownBy(() -> verifier(vector, "com.example.other", at).verifyEvent(token))
                .isInstanceOfSatisfying(IdTokenRejected.class, e -> assertThat(e.check()).isEqualTo("audience"));
        assertThatThrownBy(() -> verifier(vector, "com.gameroasters.stack4", late).verifyEvent(token))
                .isInstanceOfSatisfying(IdTokenRejected.class, e -> assertThat(e.check()).isEqualTo("expiry"));
    }
}
