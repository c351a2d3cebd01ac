package dev.oauthapi.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.testing.FakeProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real Google- and Apple-signed tokens from public repositories (src/test/resources/vectors), each
 * with the key that signed it, through the same verifier the server uses, with a fixed clock.
 * The Apple server-to-server notification among them is not a sign-in token: see
 * {@link AppleNotificationVectorTest}.
 */
class ProviderVectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One vector: the token, its keys, the moment it was valid and when it expired. */
    record Vector(String name, Provider provider, String token, String jwks, Set<String> audiences, String nonce,
                  Instant validAt, Instant expiredAt) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Vector> signInVectors() {
        try (InputStream in = ProviderVectorsTest.class.getResourceAsStream("/vectors/provider-tokens.json")) {
            final JsonNode root = JSON.readTree(in);
            return StreamSupport.stream(root.path("vectors").spliterator(), false)
                    .filter(vector -> !vector.path("claims").has("events"))
                    .map(ProviderVectorsTest::vector)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Vector vector(JsonNode vector) {
        final JsonNode claims = vector.path("claims");
        final Set<String> audiences = new LinkedHashSet<>();
        audiences.add(claims.path("aud").asText());
        if (claims.has("azp")) {
            audiences.add(claims.path("azp").asText()); // Google's: the authorized party is a client too
        }
        return new Vector(vector.path("name").asText(),
                Provider.fromWireName(vector.path("provider").asText()).orElseThrow(),
                vector.path("token").asText(), vector.path("jwks").toString(), audiences,
                claims.has("nonce") ? claims.path("nonce").asText() : null,
                Instant.ofEpochSecond(vector.path("fixed_clock_epoch_seconds").asLong()),
                Instant.ofEpochSecond(vector.path("expired_after_epoch_seconds").asLong()));
    }

    private static IdTokenVerifier verifier(Vector vector, Set<String> audiences, String jwks, Instant at) {
        return new IdTokenVerifier(vector.provider(), audiences, KeySource.of(jwks), Clock.fixed(at, ZoneOffset.UTC),
                Duration.ofHours(1), false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signInVectors")
    void passesWithItsOwnAudienceAndKeys(Vector vector) {
        final VerifiedIdToken verified = verifier(vector, vector.audiences(), vector.jwks(), vector.validAt())
                .verify(vector.token(), vector.nonce());

        assertThat(verified.provider()).isEqualTo(vector.provider());
        assertThat(verified.subject()).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signInVectors")
    void failsWithAnotherAudience(Vector vector) {
        assertRejectedAt("audience", () -> verifier(vector, Set.of("com.example.other"), vector.jwks(), vector.validAt())
                .verify(vector.token(), vector.nonce()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signInVectors")
    void failsAfterExpiry(Vector vector) {
        final Instant later = vector.expiredAt().plus(IdTokenVerifier.LEEWAY);

        assertRejectedAt("expiry", () -> verifier(vector, vector.audiences(), vector.jwks(), later)
                .verify(vector.token(), vector.nonce()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signInVectors")
    void failsWithAnotherKeyOfTheSameId(Vector vector) throws IOException {
        final String keyId = JSON.readTree(vector.jwks()).path("keys").get(0).path("kid").asText();
        final String impostor = impostorJwks(keyId);

        assertRejectedAt("signature", () -> verifier(vector, vector.audiences(), impostor, vector.validAt())
                .verify(vector.token(), vector.nonce()));
    }

    private static String impostorJwks(String keyId) {
        final FakeProvider.SigningKey key = FakeProvider.newKey(keyId);
        final java.security.interfaces.RSAPublicKey rsa = (java.security.interfaces.RSAPublicKey) key.pair().getPublic();
        try {
            return JSON.writeValueAsString(Map.of("keys", List.of(Map.of("kty", "RSA", "kid", keyId, "alg", "RS256",
                    "n", java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(unsigned(rsa.getModulus().toByteArray())),
                    "e", "AQAB"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] unsigned(byte[] bytes) {
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static void assertRejectedAt(String check, Runnable verification) {
        assertThatThrownBy(verification::run)
                .isInstanceOfSatisfying(IdTokenRejected.class, e -> assertThat(e.check()).isEqualTo(check));
    }
}
