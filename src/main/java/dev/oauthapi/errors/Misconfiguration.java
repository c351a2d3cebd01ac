package dev.oauthapi.errors;

/**
 * The service cannot start as configured (a missing variable, no signing key). Its message is the
 * whole diagnosis for the operator, printed as is, without a stack trace.
 */
public class Misconfiguration extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Misconfiguration(String message) {
        super(message);
    }

    public Misconfiguration(String message, Throwable cause) {
        super(message, cause);
    }
}
