package dev.oauthapi.passkeys;

import java.util.List;

/** What WebAuthn's options say, as values: the web layer writes them as WebAuthn's JSON. */
public final class Options {
    private Options() {
    }

    /** A registration's: the relying party, the user (by a random handle), the challenge, the passkeys to exclude. */
    public record Creation(String rpId, String rpName, byte[] userHandle, String accountName, String displayName,
                           byte[] challenge, List<Integer> algorithms, List<Existing> exclude, long timeoutMillis) {
    }

    /** A passkey the user has: the authenticator must not make a second one of it. */
    public record Existing(byte[] credentialId, List<String> transports) {
    }

    /** A sign-in's: discoverable credentials, so none is listed. */
    public record Request(String rpId, byte[] challenge, long timeoutMillis) {
    }
}
