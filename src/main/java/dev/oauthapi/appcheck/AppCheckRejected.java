package dev.oauthapi.appcheck;

/**
 * An app attestation failed one step of its checklist. The detail names the step and what was
 * wrong, never the attestation itself.
 */
public final class AppCheckRejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String step;

    AppCheckRejected(String step, String detail) {
        super(step + ": " + detail, null, false, false);
        this.step = step;
    }

    public String step() {
        return step;
    }
}
