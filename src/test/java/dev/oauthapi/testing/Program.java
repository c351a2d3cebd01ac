package dev.oauthapi.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A program from outside the JVM that some tests drive, with the Debian package that brings it.
 * PostgreSQL and Redis are not here: the tests that only need those start embedded ones when
 * none is installed. This list is the README's one install line (a test holds them equal).
 */
public enum Program {
    PGBOUNCER("pgbouncer", "pgbouncer"),
    CADDY("caddy", "caddy"),
    CHROMIUM("chromium", "chromium"),
    CHROMEDRIVER("chromedriver", "chromium-driver"),
    REDIS_SERVER("redis-server", "redis-server"),
    REDIS_CLI("redis-cli", "redis-tools"),
    CURL("curl", "curl"),
    JQ("jq", "jq"),
    NODE("node", "nodejs"),
    NPM("npm", "npm");

    /** Where Debian puts daemons, often off a user's PATH (pgbouncer is in /usr/sbin). */
    private static final List<String> SYSTEM_DIRS = List.of("/usr/sbin", "/sbin");

    private final String command;
    private final String debianPackage;

    Program(String command, String debianPackage) {
        this.command = command;
        this.debianPackage = debianPackage;
    }

    public String command() {
        return command;
    }

    public String debianPackage() {
        return debianPackage;
    }

    /** The executable, from the PATH or the system directories, if installed. */
    public Optional<Path> find() {
        return find(Optional.ofNullable(System.getenv("PATH")).orElse(""));
    }

    Optional<Path> find(String path) {
        return Stream.concat(Stream.of(path.split(File.pathSeparator)), SYSTEM_DIRS.stream())
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, command))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** The executable; a test that runs it is annotated {@link Needs}, so it is there. */
    public Path path() {
        return find().orElseThrow(() -> new IllegalStateException(command + " is not installed ("
                + installLine(List.of(this)) + "); annotate the test @Needs(" + name() + ")"));
    }

    /** {@code apt-get install} with the packages of these programs, each once, in this enum's order. */
    public static String installLine(Collection<Program> programs) {
        return "apt-get install " + Stream.of(values()).filter(programs::contains)
                .map(Program::debianPackage).distinct().collect(Collectors.joining(" "));
    }
}
