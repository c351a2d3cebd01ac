package dev.oauthapi.cli;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.config.AppleConfig;
import dev.oauthapi.db.IdentityDao;
import dev.oauthapi.db.UniqueViolation;
import dev.oauthapi.identity.AppleTokenClient;
import dev.oauthapi.sessions.Audit;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.db.ManagedDataSource;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code apple transfer prepare --target-team TEAMID [--client-id ID] config.yml} and
 * {@code apple transfer complete [--client-id ID] config.yml}: moving Sign in with Apple users with
 * the app to another developer team (Apple's TN3159), with a client-credentials token
 * ({@code scope=user.migration}) from the configured team key.
 * <ul>
 *   <li>{@code prepare}, by the old team before the transfer (and again during Apple's 60 days,
 *   for users who signed up meanwhile): stores a transfer identifier for every Apple identity
 *   that has none.</li>
 *   <li>{@code complete}, by the new team after it: exchanges each stored identifier for the
 *   user's subject, address and relay flag under the new team, and drops the old ones.</li>
 * </ul>
 * Both walk the identities in batches in key order and skip what is done already, so a run that
 * stops resumes where it was and a second run changes nothing; at most {@code --rate} calls a
 * second go to Apple; users Apple will not migrate (they revoked the app's access) are counted
 * and skipped. Each prints its counts.
 */
public final class AppleCommand extends ConfiguredCommand<OAuthApiConfiguration> {
    private static final int BATCH = 100;
    /** This many users refused in a row, none migrated: Apple refuses the request, not the users. */
    private static final int REFUSED_IN_A_ROW = 20;
    /** A client-credentials token lives an hour: take a new one well before. */
    private static final Duration TOKEN_REUSE = Duration.ofMinutes(50);

    public AppleCommand() {
        super("apple", "Moves Sign in with Apple users with the app to another team (transfer prepare|complete)");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("transfer").choices("transfer");
        subparser.addArgument("step").choices("prepare", "complete");
        subparser.addArgument("--target-team").metavar("TEAMID").help("with prepare: the team the app moves to");
        subparser.addArgument("--client-id").metavar("ID").help("the app's Services ID or bundle id (default: the"
                + " first of APPLE_CLIENT_IDS)");
        subparser.addArgument("--rate").type(Integer.class).setDefault(10).metavar("PER_SECOND")
                .help("calls to Apple a second at most (default 10)");
        super.configure(subparser);
    }

    /** What a run did, printed at its end. */
    record Counts(int done, int notMigrated, int failed) {
    }

    @Override
    protected void run(Bootstrap<OAuthApiConfiguration> bootstrap, Namespace namespace, OAuthApiConfiguration config)
            throws Exception {
        final AppleConfig apple = config.apple();
        final boolean prepare = "prepare".equals(namespace.getString("step"));
        final String target = namespace.getString("target_team");
        if (prepare == (target == null)) {
            System.err.println("--target-team goes with prepare, and only with it");
            throw new CommandExit(CommandExit.USAGE, "bad --target-team");
        }
        if (!apple.isCodeExchangeEnabled() || apple.clientIds().isEmpty()) {
            System.err.println("Set APPLE_CLIENT_IDS, APPLE_TEAM_ID, APPLE_KEY_ID and APPLE_PRIVATE_KEY_PATH (the team"
                    + " key of the team that runs this step).");
            throw new CommandExit(CommandExit.USAGE, "Apple's team key is not configured");
        }
        final String clientId = Optional.ofNullable(namespace.getString("client_id"))
                .orElse(apple.clientIds().values().getFirst());
        final int rate = namespace.getInt("rate");
        if (rate < 1) {
            throw new CommandExit(CommandExit.USAGE, "--rate must be at least 1");
        }
        final Clock clock = Clock.systemUTC();
        final AppleTokenClient client = AppleTokenClient.of(apple, clock);
        final ManagedDataSource dataSource = config.database().build(bootstrap.getMetricRegistry(), "apple-command");
        try {
            final Transfer transfer = new Transfer(Jdbi.create(dataSource), client, clientId, new Pace(rate), clock);
            final Counts counts = prepare ? transfer.prepare(target) : transfer.complete();
            System.out.println((prepare ? "Prepared " : "Moved ") + counts.done() + " Apple identities; "
                    + counts.notMigrated() + " that Apple will not migrate (access revoked) skipped; "
                    + counts.failed() + " failed.");
            if (counts.failed() > 0) {
                System.out.println("Run it again: it resumes where it failed.");
                throw new CommandExit(CommandExit.REJECTED, counts.failed() + " failed");
            }
        } finally {
            dataSource.stop();
        }
    }

    /** At most {@code perSecond} calls a second: each waits for its slot. */
    static final class Pace {
        private final long intervalNanos;
        private long next = System.nanoTime();

        Pace(int perSecond) {
            this.intervalNanos = 1_000_000_000L / perSecond;
        }

        void await() throws InterruptedException {
            final long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(Duration.ofNanos(wait));
            }
            next = Math.max(next, System.nanoTime()) + intervalNanos;
        }
    }

    /** The two steps over the identities, batch by batch. */
    static final class Transfer {
        private final Jdbi jdbi;
        private final AppleTokenClient client;
        private final String clientId;
        private final Pace pace;
        private final Clock clock;
        private String token;
        private Instant tokenTakenAt;

        Transfer(Jdbi jdbi, AppleTokenClient client, String clientId, Pace pace, Clock clock) {
            this.jdbi = jdbi;
            this.client = client;
            this.clientId = clientId;
            this.pace = pace;
            this.clock = clock;
        }

        /** Stores a transfer identifier for each Apple identity without one. */
        Counts prepare(String target) throws InterruptedException, IOException {
            return walk(false, identity -> {
                final String transferSub = client.transferIdentifier(token(), identity.subject(), target, clientId);
                return jdbi.withHandle(handle -> new IdentityDao(handle).setTransferSub(identity.id(), transferSub));
            });
        }

        /** Moves each Apple identity with a transfer identifier to its subject under the new team. */
        Counts complete() throws InterruptedException, IOException {
            return walk(true, identity -> {
                final AppleTokenClient.Migrated migrated = client.migrate(token(), identity.transferSub(), clientId);
                return jdbi.inTransaction(handle -> new IdentityDao(handle).moveTransferred(identity.transferSub(),
                                migrated.subject(), migrated.email(), migrated.email() != null, migrated.isPrivateEmail(),
                                clock.instant())
                        .map(userId -> {
                            Audit.record(handle, clock.instant(), Audit.Event.APPLE_SUBJECT_TRANSFERRED, userId, null,
                                    null, null, Map.of("by", "command"));
                            return 1;
                        }).orElse(0));
            });
        }

        /** One step for an identity: 1 when it changed it, 0 when it was done already. */
        private interface Step {
            int apply(IdentityDao.Transfer identity) throws IOException, InterruptedException;
        }

        /**
         * The identities with ({@code prepared}) or without a transfer identifier, batch by batch in
         * key order, one step each at the pace allowed; a user Apple will not migrate is counted and
         * skipped, another failure counted and left for the next run.
         */
        private Counts walk(boolean prepared, Step step) throws InterruptedException, IOException {
            int done = 0;
            int notMigrated = 0;
            int failed = 0;
            int refusedInARow = 0;
            UUID after = new UUID(0, 0);
            List<IdentityDao.Transfer> batch;
            do {
                final UUID from = after;
                batch = jdbi.withHandle(handle -> new IdentityDao(handle).appleTransfers(from, prepared, BATCH));
                for (IdentityDao.Transfer identity : batch) {
                    after = identity.id();
                    pace.await();
                    try {
                        done += step.apply(identity);
                        refusedInARow = 0;
                    } catch (AppleTokenClient.NotMigrated e) {
                        notMigrated++;
                        if (++refusedInARow >= REFUSED_IN_A_ROW && done == 0) {
                            System.err.println("Apple refused the first " + refusedInARow + " users: check --target-team,"
                                    + " --client-id and the team key before running it again.");
                            throw new CommandExit(CommandExit.REJECTED, "Apple refuses every user");
                        }
                    } catch (IOException e) {
                        failed++;
                        System.err.println("Identity " + identity.id() + ": " + e.getMessage());
                    } catch (UnableToExecuteStatementException e) {
                        if (!UniqueViolation.is(e)) {
                            throw e;
                        }
                        // The new subject is another identity's already (it signed in under the new
                        // team before its move): left for the operator, and the walk goes on.
                        failed++;
                        System.err.println("Identity " + identity.id() + ": its subject under the new team belongs"
                                + " to another identity already; merge or delete one of the two users by hand.");
                    }
                }
            } while (batch.size() == BATCH);
            return new Counts(done, notMigrated, failed);
        }

        private String token() throws IOException, InterruptedException {
            if (token == null || clock.instant().isAfter(tokenTakenAt.plus(TOKEN_REUSE))) {
                pace.await();
                token = client.migrationToken(clientId);
                tokenTakenAt = clock.instant();
            }
            return token;
        }
    }
}
