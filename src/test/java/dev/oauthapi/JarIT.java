package dev.oauthapi;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged {@code target/oauth-api.jar}, run as an operator runs it, in a clean environment. */
class JarIT {
    private static final Path JAR = Path.of(System.getProperty("oauthapi.jar", "target/oauth-api.jar"));

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run java(String... arguments) throws IOException, InterruptedException {
        final Path out = Files.createTempFile("jar-out", ".txt");
        final Path err = Files.createTempFile("jar-err", ".txt");
        final ProcessBuilder builder = new ProcessBuilder(Stream.concat(
                Stream.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()),
                Stream.of(arguments)).toList())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().clear();
        final Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the jar finished within a minute").isTrue();
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void withoutRequiredVariablesTheServerExitsNonZeroWithOneMessage() throws Exception {
        final Run run = java("server", "config.yml");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr().strip()).isEqualTo("config.yml cannot start: these required environment variables "
                + "are not set: DATABASE_PASSWORD, JWT_AUDIENCE, JWT_ISSUER. Set them (see .env.example) and start again.");
        assertThat(run.stdout()).doesNotContain("Exception");
    }

    @Test
    void checkIdTokenExitsZeroForValidOneForRejectedTwoForUsage() throws Exception {
        final Path keys = Files.createTempFile("jwks", ".json");
        final com.fasterxml.jackson.databind.JsonNode vector = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(JarIT.class.getResourceAsStream("/vectors/provider-tokens.json")).path("vectors").get(2);
        Files.writeString(keys, vector.path("jwks").toString());
        final String at = vector.path("fixed_clock_epoch_seconds").asText();
        final String token = vector.path("token").asText();

        final Run valid = java("check-id-token", "--provider", "apple", "--keys", keys.toString(),
                "--audience", vector.path("claims").path("aud").asText(), "--at", at, token);
        final Run rejected = java("check-id-token", "--provider", "apple", "--keys", keys.toString(),
                "--audience", "com.example.other", "--at", at, token);
        final Run usage = java("check-id-token", "--provider", "apple", token);

        assertThat(valid.exitCode()).as(valid.stdout() + valid.stderr()).isZero();
        assertThat(valid.stdout()).contains("VALID  subject ");
        assertThat(rejected.exitCode()).isEqualTo(1);
        assertThat(rejected.stdout()).contains("FAIL  audience: 'com.gameroasters.stack4'");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.stderr()).contains("usage:");
    }

    @Test
    void keysGenerateWritesANewKeyAndNeverOverwrites() throws Exception {
        final Path dir = Files.createTempDirectory("keys");

        final Run first = java("keys", "generate", "--dir", dir.toString());
        final Run second = java("keys", "generate", "--dir", dir.toString());

        assertThat(first.exitCode()).as(first.stderr()).isZero();
        assertThat(second.exitCode()).as(second.stderr()).isZero();
        assertThat(first.stdout()).contains("It is the only key: it signs at once.");
        assertThat(second.stdout()).contains("It is published in the JWKS at once and starts signing at ")
                .contains("JWT_KEY_ACTIVATION_DELAY: 600 s");
        try (Stream<Path> files = Files.list(dir)) {
            final List<Path> keys = files.toList();
            assertThat(keys).hasSize(2).allSatisfy(key ->
                    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----"));
        }
    }
}
