package dev.oauthapi.passkeys;

import java.util.List;

/**
 * What a client sent of a WebAuthn credential: its binary members as text, in whichever base64 it
 * chose ({@link WebAuthnBase64}). A registration has {@code attestationObject} and maybe
 * {@code transports}; a sign-in {@code authenticatorData}, {@code signature} and maybe
 * {@code userHandle}.
 */
public record Credential(String rawId, String clientDataJSON, String attestationObject, List<String> transports,
                         String authenticatorData, String signature, String userHandle) {
    public Credential {
        transports = transports == null ? List.of() : List.copyOf(transports);
    }

    @Override
    public String toString() {
        return "Credential[" + rawId + "]";
    }
}
