package dev.oauthapi.signin;

import io.dropwizard.servlets.tasks.Task;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** {@code POST /tasks/provider-revocations} on the admin port: works off due revocations now. */
public final class RetryRevocationsTask extends Task {
    private final AppleTokens appleTokens;

    public RetryRevocationsTask(AppleTokens appleTokens) {
        super("provider-revocations");
        this.appleTokens = appleTokens;
    }

    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        output.println("Tried " + appleTokens.processDue() + " due revocations.");
    }
}
