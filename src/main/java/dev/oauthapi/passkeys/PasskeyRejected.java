package dev.oauthapi.passkeys;

/**
 * A passkey ceremony failed one check of {@link PasskeyVerifier} or {@link PasskeyChallenges}. The
 * detail names the check and what was wrong, never the credential itself; the caller answers with
 * the contract's code for the ceremony ({@code invalid_passkey}: 400 at registration, 401 at sign-in).
 */
public final class PasskeyRejected extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String check;

    PasskeyRejected(String check, String detail) {
        super(check + ": " + detail, null, false, false);
        this.check = check;
    }

    public String check() {
        return check;
    }
}
