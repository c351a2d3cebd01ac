package dev.oauthapi.cli;

import dev.oauthapi.errors.Misconfiguration;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * Wraps a command so that a mistake in the configuration (a missing variable, an invalid value) is
 * reported as its message alone. Dropwizard prints every command failure as a stack trace, which
 * buries the one line an operator needs.
 */
public final class ReadableConfigurationErrors extends Command {
    private final Command command;

    public ReadableConfigurationErrors(Command command) {
        super(command.getName(), command.getDescription());
        this.command = command;
    }

    @Override
    public void configure(Subparser subparser) {
        command.configure(subparser);
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
        command.run(bootstrap, namespace);
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable error) {
        if (error instanceof CommandExit) {
            return; // the command said why already
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof Misconfiguration || cause instanceof ConfigurationException) {
                cli.getStdErr().println(cause.getMessage());
                return;
            }
        }
        command.onError(cli, namespace, error);
    }
}
