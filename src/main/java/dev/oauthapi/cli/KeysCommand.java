package dev.oauthapi.cli;

import dev.oauthapi.tokens.SigningKeyFiles;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Function;

/**
 * {@code keys generate [--dir DIR]}: writes a new access-token signing key into {@code DIR}
 * (default {@code JWT_KEYS_DIR}, else {@code keys/jwt}). It never overwrites a key. The new one is
 * published at once and signs after {@code JWT_KEY_ACTIVATION_DELAY} (a lone first key at once);
 * the older ones keep verifying until they are removed. It prints when the key starts signing.
 */
public final class KeysCommand extends Command {
    static final String DEFAULT_DIR = "keys/jwt";

    private final Function<String, String> environment;

    public KeysCommand(Function<String, String> environment) {
        super("keys", "Manages the signing keys of our access tokens");
        this.environment = environment;
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("action").choices("generate").help("generate: write a new EC P-256 signing key");
        subparser.addArgument("--dir").dest("dir").help("key folder (default: JWT_KEYS_DIR, else " + DEFAULT_DIR + ")");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
        String dir = namespace.getString("dir");
        if (dir == null) {
            final String configured = environment.apply("JWT_KEYS_DIR");
            dir = configured == null || configured.isBlank() ? DEFAULT_DIR : configured;
        }
        final SigningKeyFiles files = new SigningKeyFiles(Path.of(dir));
        final boolean first = !files.hasKeys();
        final Clock clock = Clock.systemUTC();
        final Path file = files.generate(clock, new SecureRandom());
        System.out.println("Wrote signing key " + file + ".");
        if (first) {
            System.out.println("It is the only key: it signs at once.");
            return;
        }
        final String configured = environment.apply("JWT_KEY_ACTIVATION_DELAY");
        final java.time.Duration delay = io.dropwizard.util.Duration.parse(
                configured == null || configured.isBlank() ? "10m" : configured).toJavaDuration();
        System.out.println("It is published in the JWKS at once and starts signing at "
                + clock.instant().plus(delay).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + " at the earliest (JWT_KEY_ACTIVATION_DELAY: " + delay.toSeconds() + " s), on each instance that"
                + " delay after it first has the file (every instance reads the folder every minute): put it on"
                + " every instance well before then. Remove the old key after that plus one ACCESS_TOKEN_TTL.");
    }
}
