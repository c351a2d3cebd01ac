package dev.oauthapi.dpop;

/**
 * A DPoP proof failed one step of its checklist ({@link DpopProofs}). The detail names the step
 * and what was wrong, never the proof.
 */
public class DpopRejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String step;

    DpopRejected(String step, String detail) {
        super(step + ": " + detail, null, false, false);
        this.step = step;
    }

    public String step() {
        return step;
    }
}
