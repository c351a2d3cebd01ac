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
    void keysGenerateWritesANewKeyAndNeverOverwrites() throws Exception {
        final Path dir = Files.createTempDirectory("keys");

        final Run first = java("keys", "generate", "--dir", dir.toString());
        final Run second = java("keys", "generate", "--dir", dir.toString());

        assertThat(first.exitCode()).as(first.stderr()).isZero();
        assertThat(second.exitCode()).as(second.stderr()).isZero();
        try (Stream<Path> files = Files.list(dir)) {
            final List<Path> keys = files.toList();
            assertThat(keys).hasSize(2).allSatisfy(key ->
                    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----"));
        }
    }
}
