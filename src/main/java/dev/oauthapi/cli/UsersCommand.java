package dev.oauthapi.cli;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.Host;
import dev.oauthapi.Services;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.Redis;
import dev.oauthapi.sessions.SessionGate;
import dev.oauthapi.admin.AccountAdministration;
import dev.oauthapi.admin.Actor;
import dev.oauthapi.tokens.Roles;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.db.ManagedDataSource;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.util.UUID;

/**
 * {@code users disable|enable (--id USER_ID | --email EMAIL) config.yml} and
 * {@code users promote (--id USER_ID | --email EMAIL) --role ROLE config.yml}: for operators.
 * Disabling ends every session of the user at once (their access tokens fail on the next request,
 * on every instance) and refuses sign-in and refresh until the user is enabled again. Promoting
 * sets a role (it is how the first superadmin is made); it takes effect on the user's next request,
 * and the audit row names the operator's OS user.
 */
public final class UsersCommand extends ConfiguredCommand<OAuthApiConfiguration> {
    public UsersCommand() {
        super("users", "Disables, enables or sets the role of a user account");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("action").choices("disable", "enable", "promote");
        final var who = subparser.addMutuallyExclusiveGroup().required(true);
        who.addArgument("--id").metavar("USER_ID");
        who.addArgument("--email").metavar("EMAIL");
        subparser.addArgument("--role").choices(Roles.ALL).help("with promote: the role to give");
        super.configure(subparser); // the configuration file comes last: users disable --id ID config.yml
    }

    /** The {@code --id} given, or null when the user is named by {@code --email}. */
    private static UUID userId(String id) throws CommandExit {
        if (id == null) {
            return null;
        }
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            System.err.println("--id must be a user id (a UUID)");
            throw new CommandExit(CommandExit.USAGE, "bad --id");
        }
    }

    @Override
    protected void run(Bootstrap<OAuthApiConfiguration> bootstrap, Namespace namespace, OAuthApiConfiguration config)
            throws Exception {
        final String action = namespace.getString("action");
        if ("promote".equals(action) != (namespace.getString("role") != null)) {
            System.err.println("--role goes with promote, and only with it");
            throw new CommandExit(CommandExit.USAGE, "bad --role");
        }
        UUID userId = userId(namespace.getString("id"));
        final ManagedDataSource dataSource = config.database().build(bootstrap.getMetricRegistry(), "users-command");
        final Redis redis = Redis.connect(config.redis());
        try {
            // The same object graph as the service's; nothing runs in the background here.
            final Services services = Services.build(config, Jdbi.create(dataSource), redis, AuthMetrics.unexported(),
                    Clock.systemUTC(), Host.command(bootstrap.getMetricRegistry()));
            final AccountAdministration accounts = services.administration();
            final SessionGate gate = services.sessionGate();
            if (userId == null) {
                userId = accounts.userWithEmail(namespace.getString("email"));
            }
            apply(action, userId, namespace.getString("role"), accounts, gate);
        } catch (ApiException e) {
            System.err.println(e.detail());
            throw new CommandExit(CommandExit.REJECTED, e.detail());
        } finally {
            redis.stop();
            dataSource.stop();
        }
    }

    private static void apply(String action, UUID userId, String role, AccountAdministration accounts, SessionGate gate) {
        switch (action) {
            case "disable" -> {
                accounts.update(userId, Actor.commandLine(), null, true, null);
                System.out.println("Disabled user " + userId + " and ended all of its sessions.");
                if (gate.unwrittenTombstones() > 0) {
                    System.out.println("Redis could not be told: other instances may honour its access tokens for"
                            + " up to 10 seconds more.");
                }
            }
            case "enable" -> {
                accounts.update(userId, Actor.commandLine(), null, false, null);
                System.out.println("Enabled user " + userId + "; it may sign in again.");
            }
            default -> {
                accounts.update(userId, Actor.commandLine(), role, null, null);
                System.out.println("User " + userId + " now has the role " + role
                        + "; it takes effect on their next request.");
            }
        }
    }
}
