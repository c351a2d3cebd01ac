package dev.oauthapi.config;

import dev.oauthapi.errors.Misconfiguration;

import java.util.List;
import java.util.Set;

/**
 * The configuration names environment variables that are not set. Its message is the whole
 * diagnosis, meant to be printed as is, without a stack trace.
 */
public final class MissingEnvironmentException extends Misconfiguration {
    private static final long serialVersionUID = 1L;

    private final List<String> variables;

    public MissingEnvironmentException(String configPath, Set<String> variables) {
        super(configPath + " cannot start: these required environment variables are not set: "
                + String.join(", ", variables)
                + ". Set them (see .env.example) and start again.");
        this.variables = List.copyOf(variables);
    }

    public List<String> variables() {
        return variables;
    }
}
