package dev.oauthapi.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a test that drives an outside program behaves where it is missing, and where that is written down. */
class ProgramTest {
    @Test
    void aProgramIsFoundOnThePathOnlyWhenExecutable(@TempDir Path dir) throws IOException {
        final Path caddy = Files.writeString(dir.resolve("caddy"), "#!/bin/sh\n");
        assertThat(Program.CADDY.find(dir.toString())).isEmpty();

        Files.setPosixFilePermissions(caddy, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(Program.CADDY.find("/nonexistent:" + dir)).contains(caddy);
        assertThat(Program.JQ.find(dir.toString()).filter(path -> path.startsWith(dir))).isEmpty();
    }

    @Test
    void outsideCiAMissingProgramSkipsNamingItsPackage() {
        final ConditionEvaluationResult result = Needs.Installed.evaluate("RollingRestartIT",
                List.of(Program.CADDY, Program.CURL), program -> program == Program.CURL, false);

        assertThat(result.isDisabled()).isTrue();
        assertThat(result.getReason()).hasValue(Needs.NOT_INSTALLED + "caddy (apt-get install caddy)");
    }

    @Test
    void underCiAMissingProgramFailsNamingIt() {
        assertThatThrownBy(() -> Needs.Installed.evaluate("DevModeTest", List.of(Program.CHROMIUM, Program.CHROMEDRIVER),
                program -> false, true))
                .hasMessageContaining("DevModeTest needs chromium, chromedriver (apt-get install chromium chromium-driver)");
    }

    @Test
    void installedProgramsRunInAndOutOfCi() {
        for (boolean ci : new boolean[] {false, true}) {
            assertThat(Needs.Installed.evaluate("PgBouncerTest", List.of(Program.PGBOUNCER), program -> true, ci)
                    .isDisabled()).isFalse();
        }
    }

    @Test
    void theReadmeAndCiInstallEveryPackage() throws IOException {
        final String all = Program.installLine(EnumSet.allOf(Program.class));
        final String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains("<!-- install:start -->\n```sh\nsudo " + all + "\n```\n<!-- install:end -->");

        final String ci = Files.readString(Path.of(".ci/run"));
        final Set<String> packages = Set.of(ci.replaceAll("(?s).*\\npackages=\\(([^)]*)\\).*", "$1").split(" "));
        assertThat(packages).containsAll(List.of(all.substring("apt-get install ".length()).split(" ")));
    }
}
