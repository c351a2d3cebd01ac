package dev.oauthapi.passkeys;

import com.webauthn4j.data.AttestationConveyancePreference;
import com.webauthn4j.data.AuthenticatorAttachment;
import com.webauthn4j.data.AuthenticatorSelectionCriteria;
import com.webauthn4j.data.PublicKeyCredentialCreationOptions;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialRpEntity;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.PublicKeyCredentialUserEntity;
import com.webauthn4j.data.ResidentKeyRequirement;
import com.webauthn4j.data.UserVerificationRequirement;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.test.authenticator.webauthn.NoneAttestationAuthenticator;
import com.webauthn4j.test.authenticator.webauthn.WebAuthnAuthenticatorAdaptor;
import com.webauthn4j.test.client.ClientPlatform;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;

/**
 * A passkey for tests: registered by webauthn4j's authenticator emulator (a real ES256 key and a
 * real "none" attestation), then used for sign-ins whose authenticator data the test chooses
 * (flags, counter, RP ID), signed with that same key, as an authenticator would.
 */
public final class SoftwareAuthenticator {
    static final int UP = 0x01;
    static final int UV = 0x04;
    static final int BE = 0x08;
    static final int BS = 0x10;

    private final NoneAttestationAuthenticator emulator = new NoneAttestationAuthenticator();
    private final String rpId;
    private byte[] credentialId;

    /** A registration's response parts. */
    public record Created(byte[] credentialId, byte[] clientDataJSON, byte[] attestationObject) {
    }

    /** A sign-in's response parts. */
    public record Asserted(byte[] credentialId, byte[] userHandle, byte[] authenticatorData, byte[] clientDataJSON,
                    byte[] signature) {
    }

    public SoftwareAuthenticator(String rpId) {
        this.rpId = rpId;
    }

    Created register(String origin, byte[] challenge, byte[] userHandle, long algorithm) {
        final ClientPlatform client = new ClientPlatform(new Origin(origin), new WebAuthnAuthenticatorAdaptor(emulator));
        final var credential = client.create(new PublicKeyCredentialCreationOptions(
                new PublicKeyCredentialRpEntity(rpId, "Example"),
                new PublicKeyCredentialUserEntity(userHandle, "ada@example.com", "Ada"), new DefaultChallenge(challenge),
                List.of(new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY,
                        COSEAlgorithmIdentifier.create(algorithm))), null, null,
                new AuthenticatorSelectionCriteria(AuthenticatorAttachment.PLATFORM, true, ResidentKeyRequirement.REQUIRED,
                        UserVerificationRequirement.REQUIRED), AttestationConveyancePreference.NONE, null));
        credentialId = credential.getRawId();
        return new Created(credentialId, credential.getResponse().getClientDataJSON(),
                credential.getResponse().getAttestationObject());
    }

    public Created register(String origin, byte[] challenge, byte[] userHandle) {
        return register(origin, challenge, userHandle, -7);
    }

    /** A sign-in with the registered key: this RP ID, these flags and this counter. */
    Asserted assertion(String origin, byte[] challenge, byte[] userHandle, String assertedRpId, int flags, long counter) {
        try {
            final byte[] authenticatorData = ByteBuffer.allocate(37)
                    .put(MessageDigest.getInstance("SHA-256").digest(assertedRpId.getBytes(StandardCharsets.UTF_8)))
                    .put((byte) flags).putInt((int) counter).array();
            final byte[] clientDataJSON = clientData("webauthn.get", challenge, origin);
            final ByteArrayOutputStream signed = new ByteArrayOutputStream();
            signed.write(authenticatorData);
            signed.write(MessageDigest.getInstance("SHA-256").digest(clientDataJSON));
            final PrivateKey key = emulator.lookup(credentialId).getPrivateKey().getPrivateKey();
            final Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(key);
            signature.update(signed.toByteArray());
            return new Asserted(credentialId, userHandle, authenticatorData, clientDataJSON, signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Asserted assertion(String origin, byte[] challenge, byte[] userHandle, long counter) {
        return assertion(origin, challenge, userHandle, rpId, UP | UV, counter);
    }

    static byte[] clientData(String type, byte[] challenge, String origin) {
        return ("{\"type\":\"" + type + "\",\"challenge\":\"" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(challenge) + "\",\"origin\":\"" + origin + "\",\"crossOrigin\":false}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The attestation object with other flags in its authenticator data: a "none" attestation signs
     * nothing, so an authenticator could send any.
     */
    static byte[] withFlags(byte[] attestationObject, String rpId, int set, int clear) {
        try {
            final byte[] rpIdHash = MessageDigest.getInstance("SHA-256").digest(rpId.getBytes(StandardCharsets.UTF_8));
            final byte[] edited = attestationObject.clone();
            for (int i = 0; i + 33 <= edited.length; i++) {
                if (java.util.Arrays.equals(edited, i, i + 32, rpIdHash, 0, 32)) {
                    edited[i + 32] = (byte) ((edited[i + 32] | set) & ~clear);
                    return edited;
                }
            }
            throw new IllegalStateException("no authenticator data in the attestation object");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
