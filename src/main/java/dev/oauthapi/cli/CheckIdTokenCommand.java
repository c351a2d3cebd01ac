package dev.oauthapi.cli;

import dev.oauthapi.identity.CheckListener;
import dev.oauthapi.identity.IdTokenRejected;
import dev.oauthapi.identity.IdTokenVerifier;
import dev.oauthapi.identity.KeySource;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.identity.ProviderUnavailable;
import dev.oauthapi.identity.RemoteJwks;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.identity.VerifiedIdToken;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.util.Duration;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code check-id-token}: runs the server's own provider-token checklist on one token and prints
 * every check with its outcome; on success, the subject and e-mail. For support ("why is this
 * user's sign-in refused?") and for trying a provider set-up. Exit 0 valid, 1 rejected, 2 usage.
 * Single-use rules (nonce taken, token replayed) need Redis and are not part of it.
 */
public final class CheckIdTokenCommand extends Command {
    private static final int MAX_STDIN_BYTES = 64 * 1024;
    private final Function<String, String> environment;

    public CheckIdTokenCommand(Function<String, String> environment) {
        super("check-id-token", "Checks a Google or Apple ID token the way sign-in does");
        this.environment = environment;
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("--provider").required(true).choices("google", "apple");
        subparser.addArgument("--keys").metavar("JWKS_FILE")
                .help("the provider's keys as a JWKS file (default: the configured key URL)");
        subparser.addArgument("--audience").required(true).action(Arguments.append()).metavar("AUD")
                .help("a client id to accept; repeat for several");
        subparser.addArgument("--nonce").metavar("RAW").help("the raw nonce the app sent with the token");
        subparser.addArgument("--at").type(Long.class).metavar("EPOCH_SECONDS")
                .help("check as of this time instead of now");
        subparser.addArgument("token").metavar("TOKEN")
                .help("the token, or - to read it from standard input (keeps it out of ps and shell history)");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) {
        final PrintStream out = System.out;
        final Provider provider = Provider.fromWireName(namespace.getString("provider")).orElseThrow();
        final Long at = namespace.get("at");
        final Clock clock = at == null ? Clock.systemUTC() : Clock.fixed(Instant.ofEpochSecond(at), ZoneOffset.UTC);
        final List<String> audiences = namespace.getList("audience");
        final IdTokenVerifier verifier = new IdTokenVerifier(provider, Set.copyOf(audiences),
                keys(provider, namespace.getString("keys"), clock), clock, maxAge(), false);

        out.println("Checking a " + provider.wireName() + " token as of " + clock.instant());
        try {
            final VerifiedIdToken token = verifier.verify(token(namespace.getString("token")), namespace.getString("nonce"),
                    new CheckListener() {
                        @Override
                        public void passed(String check) {
                            out.printf("  ok    %s%n", check);
                        }

                        @Override
                        public void failed(String check, String detail) {
                            out.printf("  FAIL  %s%n", detail);
                        }
                    });
            out.println("VALID  subject " + token.subject() + ", email " + (token.email() == null ? "(none)" : token.email())
                    + (token.emailVerified() ? " (verified)" : " (not verified)"));
        } catch (IdTokenRejected | ProviderUnavailable e) {
            out.println("REJECTED");
            throw new CommandExit(CommandExit.REJECTED, e.getMessage());
        }
    }

    /** The token argument, or for {@code -} the token read from standard input (up to 64 KiB). */
    private static String token(String argument) {
        if (!"-".equals(argument)) {
            return argument;
        }
        try {
            return new String(System.in.readNBytes(MAX_STDIN_BYTES), java.nio.charset.StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            System.err.println("Cannot read the token from standard input: " + e.getMessage());
            throw new CommandExit(CommandExit.USAGE, "no token on standard input");
        }
    }

    private KeySource keys(Provider provider, String file, Clock clock) {
        if (file != null) {
            try {
                return KeySource.of(Files.readString(Path.of(file)));
            } catch (IOException | RuntimeException e) {
                System.err.println("Cannot read the key set " + file + ": " + e.getMessage());
                throw new CommandExit(CommandExit.USAGE, "bad --keys");
            }
        }
        final String variable = provider == Provider.GOOGLE ? "GOOGLE_JWKS_URL" : "APPLE_JWKS_URL";
        final String url = environment.apply(variable);
        return new RemoteJwks(provider, URI.create(url == null || url.isBlank() ? provider.defaultJwksUrl() : url),
                RemoteJwks.httpClient(), clock, AuthMetrics.unexported());
    }

    private java.time.Duration maxAge() {
        final String configured = environment.apply("ID_TOKEN_MAX_AGE");
        return Duration.parse(configured == null || configured.isBlank() ? "1h" : configured).toJavaDuration();
    }
}
