package dev.oauthapi.passkeys;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.exception.DataConversionException;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticationRequest;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.RegistrationRequest;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.CollectedClientData;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.Challenge;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.util.exception.WebAuthnException;
import com.webauthn4j.verifier.exception.BadAttestationStatementException;
import com.webauthn4j.verifier.exception.BadBackupEligibleFlagException;
import com.webauthn4j.verifier.exception.BadChallengeException;
import com.webauthn4j.verifier.exception.BadOriginException;
import com.webauthn4j.verifier.exception.BadRpIdException;
import com.webauthn4j.verifier.exception.BadSignatureException;
import com.webauthn4j.verifier.exception.CrossOriginException;
import com.webauthn4j.verifier.exception.IllegalBackupStateException;
import com.webauthn4j.verifier.exception.InconsistentClientDataTypeException;
import com.webauthn4j.verifier.exception.NotAllowedAlgorithmException;
import com.webauthn4j.verifier.exception.UserNotPresentException;
import com.webauthn4j.verifier.exception.UserNotVerifiedException;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * WebAuthn's checks of a passkey's registration and of a sign-in with it (WebAuthn Level 3 §7.1,
 * §7.2), as a named checklist: webauthn4j does the CBOR, COSE and signature work, and each refusal
 * is a {@link PasskeyRejected} naming the check that failed, for the answer's {@code detail} and a
 * metric label. The challenge is ours to judge ({@link PasskeyChallenges}): the caller reads it
 * with {@link #challengeOf}, opens it, and passes the bytes it expects. The signature counter's
 * rule is the contract's, not the library's ({@link #authenticate}).
 */
public final class PasskeyVerifier {
    /** The key types offered at registration, in the order the contract lists them. */
    public static final List<Integer> ALGORITHMS = List.of(-7, -8, -257);

    /** The checks, by the library's refusals; anything else the library refuses is "malformed". */
    private static final Map<Class<? extends WebAuthnException>, String> CHECKS = checks();

    private final WebAuthnManager manager;
    private final ObjectConverter converter;
    private final String rpId;
    private final Set<Origin> origins;
    private final List<PublicKeyCredentialParameters> algorithms;

    /** What a registration proved: the credential to store. */
    public record Registration(byte[] credentialId, byte[] publicKey, int algorithm, long signCount,
                               boolean backupEligible, boolean backedUp, UUID aaguid, String origin) {
    }

    /** A stored passkey, as a sign-in checks against it. */
    public record Stored(byte[] credentialId, byte[] publicKey, long signCount, boolean backupEligible) {
    }

    /**
     * What a sign-in proved. {@code counterAnomaly}: the counter did not move forward on a synced
     * passkey (audited, not refused).
     */
    public record Assertion(long signCount, boolean backedUp, boolean counterAnomaly, String origin) {
    }

    /**
     * @param rpId    the relying party id, {@code PASSKEY_RP_ID}
     * @param origins every origin a ceremony may come from: web origins, {@code https://<rpId>} and
     *                the Android apps' {@code android:apk-key-hash:} origins
     */
    public PasskeyVerifier(String rpId, Set<String> origins) {
        this(rpId, origins, ALGORITHMS);
    }

    /** @param algorithms the COSE algorithms a registration may use */
    PasskeyVerifier(String rpId, Set<String> origins, List<Integer> algorithms) {
        this.converter = new ObjectConverter();
        this.manager = WebAuthnManager.createNonStrictWebAuthnManager(converter);
        // The counter rule is the contract's (see authenticate): the library's would refuse a synced
        // passkey whose counter did not move, which the contract only audits.
        manager.getAuthenticationDataVerifier().setMaliciousCounterValueHandler(authentication -> { });
        this.rpId = rpId;
        this.origins = origins.stream().map(Origin::new).collect(Collectors.toUnmodifiableSet());
        this.algorithms = algorithms.stream().map(alg -> new PublicKeyCredentialParameters(
                PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.create(alg))).toList();
    }

    /**
     * The challenge a client echoed in its {@code clientDataJSON}, before any other check: it says
     * which challenge to expect. Refused as {@code clientData} when that is not WebAuthn's client data.
     */
    public byte[] challengeOf(byte[] clientDataJSON) {
        final CollectedClientData data;
        try {
            data = converter.getJsonConverter().readValue(new String(clientDataJSON,
                    StandardCharsets.UTF_8), CollectedClientData.class);
        } catch (RuntimeException e) {
            throw new PasskeyRejected("clientData", "clientDataJSON is not WebAuthn client data");
        }
        if (data == null || data.getChallenge() == null) {
            throw new PasskeyRejected("clientData", "clientDataJSON has no challenge");
        }
        return data.getChallenge().getValue();
    }

    /** Registration (§7.1) with attestation "none": user present and verified, an accepted key type. */
    public Registration register(byte[] clientDataJSON, byte[] attestationObject, byte[] challenge) {
        final RegistrationData data = run(() -> manager.verify(new RegistrationRequest(attestationObject, clientDataJSON),
                new RegistrationParameters(server(challenge), algorithms, true, true)));
        final AuthenticatorData<?> authenticator = data.getAttestationObject().getAuthenticatorData();
        final AttestedCredentialData credential = authenticator.getAttestedCredentialData();
        if (credential == null) {
            throw new PasskeyRejected("attestedCredential", "the attestation carries no credential");
        }
        final COSEKey key = credential.getCOSEKey();
        return new Registration(credential.getCredentialId(), converter.getCborConverter().writeValueAsBytes(key),
                (int) key.getAlgorithm().getValue(), authenticator.getSignCount(), authenticator.isFlagBE(),
                authenticator.isFlagBS(), credential.getAaguid().getValue(),
                data.getCollectedClientData().getOrigin().toString());
    }

    /**
     * A sign-in (§7.2) with a stored passkey. The signature counter (§6.1.1), by the contract: no
     * check when both counters are 0 (synced passkeys report 0); a synced passkey (BE) whose
     * counter did not move is an anomaly, audited; a device-bound one whose counter is above 0 and
     * not above the stored one is refused ({@code counter}), a possible clone.
     */
    public Assertion authenticate(Stored stored, byte[] credentialId, byte[] userHandle, byte[] authenticatorData,
                                  byte[] clientDataJSON, byte[] signature, byte[] challenge) {
        final COSEKey key;
        try {
            key = converter.getCborConverter().readValue(stored.publicKey(), COSEKey.class);
        } catch (RuntimeException e) {
            throw new IllegalStateException("a stored passkey's public key does not read back", e);
        }
        final CredentialRecordImpl record = new CredentialRecordImpl(null, null, stored.backupEligible(), null,
                stored.signCount(), new AttestedCredentialData(AAGUID.ZERO, stored.credentialId(), key),
                null, null, null, null);
        final AuthenticationData data = run(() -> manager.verify(new AuthenticationRequest(credentialId, userHandle,
                authenticatorData, clientDataJSON, signature),
                new AuthenticationParameters(server(challenge), record, null, true, true)));
        final AuthenticatorData<?> authenticator = data.getAuthenticatorData();
        final long received = authenticator.getSignCount();
        final boolean moved = received > stored.signCount();
        final boolean bothZero = received == 0 && stored.signCount() == 0;
        if (!bothZero && !moved && !stored.backupEligible() && received > 0) {
            throw new PasskeyRejected("counter", "the signature counter did not increase (" + received
                    + " after " + stored.signCount() + "): a possible clone of a device-bound passkey");
        }
        return new Assertion(Math.max(received, stored.signCount()), authenticator.isFlagBS(), !bothZero && !moved,
                data.getCollectedClientData().getOrigin().toString());
    }

    private ServerProperty server(byte[] challenge) {
        final Challenge expected = new DefaultChallenge(challenge);
        return ServerProperty.builder().origins(origins).rpId(rpId).challenge(expected).build();
    }

    /** Runs the library's checks, turning each refusal into the check it names. */
    private static <T> T run(Supplier<T> checks) {
        try {
            return checks.get();
        } catch (WebAuthnException e) {
            throw new PasskeyRejected(checkOf(e), describe(e));
        } catch (RuntimeException e) {
            // Jackson's own errors reach us for CBOR or JSON that does not parse, as do nulls.
            throw new PasskeyRejected("malformed", "the credential does not parse");
        }
    }

    static String checkOf(WebAuthnException e) {
        for (Map.Entry<Class<? extends WebAuthnException>, String> check : CHECKS.entrySet()) {
            if (check.getKey().isInstance(e)) {
                return check.getValue();
            }
        }
        return "malformed";
    }

    private static String describe(WebAuthnException e) {
        return switch (checkOf(e)) {
            case "type" -> "clientDataJSON is not of this ceremony's type";
            case "challenge" -> "the challenge is not the one expected";
            case "origin" -> "the origin is not one of this service's";
            case "crossOrigin" -> "a cross-origin ceremony is not accepted";
            case "rpIdHash" -> "the authenticator data is for another relying party";
            case "userPresent" -> "the authenticator did not see the user";
            case "userVerified" -> "the authenticator did not verify the user";
            case "backupState" -> "backed up but not backup eligible";
            case "backupEligible" -> "backup eligibility changed since registration";
            case "algorithm" -> "a key type this service does not accept";
            case "attestation" -> "the attestation statement is not one this service reads";
            case "signature" -> "the signature does not verify";
            default -> "the credential does not parse";
        };
    }

    private static Map<Class<? extends WebAuthnException>, String> checks() {
        final Map<Class<? extends WebAuthnException>, String> checks = new LinkedHashMap<>();
        checks.put(InconsistentClientDataTypeException.class, "type");
        checks.put(BadChallengeException.class, "challenge");
        checks.put(BadOriginException.class, "origin");
        checks.put(CrossOriginException.class, "crossOrigin");
        checks.put(BadRpIdException.class, "rpIdHash");
        checks.put(UserNotPresentException.class, "userPresent");
        checks.put(UserNotVerifiedException.class, "userVerified");
        checks.put(IllegalBackupStateException.class, "backupState");
        checks.put(BadBackupEligibleFlagException.class, "backupEligible");
        checks.put(NotAllowedAlgorithmException.class, "algorithm");
        checks.put(BadAttestationStatementException.class, "attestation");
        checks.put(BadSignatureException.class, "signature");
        checks.put(DataConversionException.class, "malformed");
        return Collections.unmodifiableMap(checks);
    }
}
