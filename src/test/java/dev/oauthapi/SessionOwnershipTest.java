package dev.oauthapi;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sessions/} is the only owner of session rows and their tombstones: no other code reaches
 * the session DAOs or the Redis session states, and outside it the gate is only read (the
 * liveness check of every request) or built (the wiring). A change that ends sessions elsewhere,
 * and could forget a tombstone, fails here.
 */
class SessionOwnershipTest {
    private static final Path MAIN = Path.of("src/main/java/dev/oauthapi");
    private static final List<String> OWNED = List.of("dev.oauthapi.db.SessionDao", "dev.oauthapi.db.RefreshTokenDao",
            "dev.oauthapi.redis.SessionStates", "dev.oauthapi.sessions.SessionGate");
    /** Outside sessions/, who may import what, and why. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "OAuthApiApplication.java", Set.of("dev.oauthapi.redis.SessionStates", "dev.oauthapi.sessions.SessionGate"),
            "cli/UsersCommand.java", Set.of("dev.oauthapi.redis.SessionStates", "dev.oauthapi.sessions.SessionGate"),
            "auth/AccessTokenAuthenticator.java", Set.of("dev.oauthapi.sessions.SessionGate"));

    @Test
    void onlySessionsTouchesSessionRowsAndTombstones() throws IOException {
        final Map<String, String> violations = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                final String name = MAIN.relativize(file).toString().replace('\\', '/');
                if (name.startsWith("sessions/") || name.startsWith("db/") || name.startsWith("redis/")) {
                    continue;
                }
                final String source = Files.readString(file);
                for (String owned : OWNED) {
                    if (source.contains("import " + owned + ";")
                            && !ALLOWED.getOrDefault(name, Set.of()).contains(owned)) {
                        violations.put(name, owned);
                    }
                }
                if (!name.startsWith("sessions/") && source.matches("(?s).*\\.revoked\\(.*")) {
                    violations.put(name, "calls SessionGate.revoked");
                }
            }
        }

        assertThat(violations).as("session rows and tombstones outside sessions/").isEmpty();
    }

    @Test
    void theCheckSeesTheFilesItGuards() {
        assertThat(MAIN.resolve("users/Accounts.java")).exists();
        assertThat(MAIN.resolve("sessions/SessionLifecycle.java")).exists();
    }
}
