package dev.oauthapi.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * WebAuthn Level 3's options JSON ({@code PublicKeyCredentialCreationOptionsJSON},
 * {@code PublicKeyCredentialRequestOptionsJSON}), under {@code publicKey}: what browsers'
 * {@code parse...OptionsFromJSON} and Android's Credential Manager take as they are. Binary
 * members are base64url without padding.
 */
public final class WebAuthnOptions {
    private WebAuthnOptions() {
    }

    public record Creation(CreationOptions publicKey) {
    }

    public record Request(RequestOptions publicKey) {
    }

    public record CreationOptions(Rp rp, User user, String challenge, List<Parameters> pubKeyCredParams, long timeout,
                                  List<Descriptor> excludeCredentials, Selection authenticatorSelection,
                                  String attestation) {
    }

    public record RequestOptions(String challenge, long timeout, String rpId, List<Descriptor> allowCredentials,
                                 String userVerification) {
    }

    public record Rp(String id, String name) {
    }

    public record User(String id, String name, String displayName) {
    }

    public record Parameters(String type, int alg) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Descriptor(String type, String id, List<String> transports) {
    }

    public record Selection(String residentKey, boolean requireResidentKey, String userVerification) {
    }
}
