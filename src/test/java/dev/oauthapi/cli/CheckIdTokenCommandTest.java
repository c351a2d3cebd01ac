package dev.oauthapi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestApp.CommandResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code check-id-token} on real provider tokens: every check printed, exit 0 / 1 / 2. */
class CheckIdTokenCommandTest {
    private static final JsonNode VECTORS = vectors();

    private static JsonNode vectors() {
        try (InputStream in = CheckIdTokenCommandTest.class.getResourceAsStream("/vectors/provider-tokens.json")) {
            return new ObjectMapper().readTree(in).path("vectors");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode vector(String name) {
        for (JsonNode vector : VECTORS) {
            if (vector.path("name").asText().equals(name)) {
                return vector;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static Path keysOf(JsonNode vector, Path dir) throws IOException {
        return Files.writeString(dir.resolve("jwks.json"), vector.path("jwks").toString());
    }

    private static int exitCode(CommandResult result) {
        return result.error().map(CommandExit::codeOf).orElse(0);
    }

    @Test
    void aRealAppleTokenIsValidWithItsAudienceAtItsTime(@TempDir Path dir) throws IOException {
        final JsonNode vector = vector("apple-gameroasters-1614431194");

        final CommandResult result = TestApp.run(Map.of(), "check-id-token", "--provider", "apple",
                "--keys", keysOf(vector, dir).toString(), "--audience", "com.gameroasters.stack4",
                "--at", vector.path("fixed_clock_epoch_seconds").asText(), vector.path("token").asText());

        assertThat(exitCode(result)).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout()).contains("  ok    signature", "  ok    audience", "  ok    claims")
                .contains("VALID  subject 001026.16112b36378440d995af22b268f00984.1744, email zdfu7jtuus@privaterelay.appleid.com (verified)");
    }

    @Test
    void theTokenCanComeFromStandardInputAndStayOutOfTheCommandLine(@TempDir Path dir) throws IOException {
        final JsonNode vector = vector("apple-gameroasters-1614431194");
        final java.io.InputStream stdin = System.in;
        final CommandResult result;
        try {
            System.setIn(new java.io.ByteArrayInputStream((vector.path("token").asText() + "\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            result = TestApp.run(Map.of(), "check-id-token", "--provider", "apple",
                    "--keys", keysOf(vector, dir).toString(), "--audience", "com.gameroasters.stack4",
                    "--at", vector.path("fixed_clock_epoch_seconds").asText(), "-");
        } finally {
            System.setIn(stdin);
        }

        assertThat(exitCode(result)).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout()).contains("VALID  subject 001026.16112b36378440d995af22b268f00984.1744");
    }

    @Test
    void aRealAppleTokenWithItsNonce(@TempDir Path dir) throws IOException {
        final JsonNode vector = vector("apple-risc0-1699219691");

        final CommandResult result = TestApp.run(Map.of(), "check-id-token", "--provider", "apple",
                "--keys", keysOf(vector, dir).toString(), "--audience", vector.path("claims").path("aud").asText(),
                "--nonce", vector.path("claims").path("nonce").asText(),
                "--at", vector.path("fixed_clock_epoch_seconds").asText(), vector.path("token").asText());

        assertThat(exitCode(result)).as(result.stdout()).isZero();
    }

    @Test
    void theRealGoogleTokenFailsOnItsServiceAccountAuthorizedParty(@TempDir Path dir) throws IOException {
        final JsonNode vector = vector("google-authlib-federated-2020-04");

        final CommandResult result = TestApp.run(Map.of(), "check-id-token", "--provider", "google",
                "--keys", keysOf(vector, dir).toString(), "--audience", "https://example.com/path",
                "--at", vector.path("fixed_clock_epoch_seconds").asText(), vector.path("token").asText());

        assertThat(exitCode(result)).isEqualTo(1);
        assertThat(result.stdout()).contains("  ok    audience", "  FAIL  authorized-party:", "REJECTED")
                .doesNotContain(vector.path("token").asText());
    }

    @Test
    void anExpiredTokenIsRejected(@TempDir Path dir) throws IOException {
        final JsonNode vector = vector("apple-gameroasters-1614431194");

        final CommandResult result = TestApp.run(Map.of(), "check-id-token", "--provider", "apple",
                "--keys", keysOf(vector, dir).toString(), "--audience", "com.gameroasters.stack4",
                vector.path("token").asText());

        assertThat(exitCode(result)).isEqualTo(1);
        assertThat(result.stdout()).contains("  FAIL  expiry:");
    }

    @Test
    void usageErrorsExitWithTwo(@TempDir Path dir) {
        assertThat(exitCode(TestApp.run(Map.of(), "check-id-token", "--provider", "apple", "x.y.z")))
                .as("no --audience").isEqualTo(2);
        assertThat(exitCode(TestApp.run(Map.of(), "check-id-token", "--provider", "yahoo", "--audience", "a", "x.y.z")))
                .as("unknown provider").isEqualTo(2);
        assertThat(exitCode(TestApp.run(Map.of(), "check-id-token", "--provider", "apple", "--audience", "a",
                "--keys", dir.resolve("missing.json").toString(), "x.y.z")))
                .as("unreadable key set").isEqualTo(2);
    }

    @Test
    void withoutKeysItFetchesTheConfiguredKeyUrl() {
        try (FakeProvider google = FakeProvider.start(Provider.GOOGLE)) {
            final String token = google.token("client-1", "subject-1").build();

            final CommandResult result = TestApp.run(Map.of("GOOGLE_JWKS_URL", google.jwksUrl().toString()),
                    "check-id-token", "--provider", "google", "--audience", "client-1", token);

            assertThat(exitCode(result)).as(result.stdout()).isZero();
            assertThat(google.keyFetches()).isEqualTo(1);
        }
    }
}
