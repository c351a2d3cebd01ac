package dev.oauthapi.appcheck;

import com.webauthn4j.appattest.DeviceCheckManager;
import com.webauthn4j.appattest.authenticator.DCAppleDeviceImpl;
import com.webauthn4j.appattest.data.DCAssertionData;
import com.webauthn4j.appattest.data.DCAssertionParameters;
import com.webauthn4j.appattest.data.DCAssertionRequest;
import com.webauthn4j.appattest.data.DCAttestationData;
import com.webauthn4j.appattest.data.DCAttestationParameters;
import com.webauthn4j.appattest.data.DCAttestationRequest;
import com.webauthn4j.appattest.server.DCServerProperty;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.COSEKey;
import com.webauthn4j.data.attestation.statement.CertificateBaseAttestationStatement;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.util.exception.WebAuthnException;
import com.webauthn4j.verifier.attestation.trustworthiness.certpath.CertPathTrustworthinessVerifier;
import com.webauthn4j.verifier.attestation.trustworthiness.certpath.DefaultCertPathTrustworthinessVerifier;
import com.webauthn4j.verifier.exception.BadAaguidException;
import com.webauthn4j.verifier.exception.BadAttestationStatementException;
import com.webauthn4j.verifier.exception.BadChallengeException;
import com.webauthn4j.verifier.exception.BadRpIdException;
import com.webauthn4j.verifier.exception.BadSignatureException;
import com.webauthn4j.verifier.exception.CertificateException;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import com.webauthn4j.verifier.exception.TrustAnchorNotFoundException;

import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Apple App Attest (DeviceCheck), as a named checklist on webauthn4j-appattest: the attestation of
 * a new device key (its certificate chain up to Apple's root, the nonce over the challenge, the
 * app id, the environment, the key id) and each later assertion with that key (its signature, the
 * challenge, the app id, a counter that only goes up). Each refusal is an {@link AppCheckRejected}
 * naming its step. Certificates are judged at the time of the service's {@link Clock}, not the
 * library's own.
 */
public final class AppAttestVerifier {
    /** The library's refusals, by the step they fail; anything else is "malformed". */
    private static final Map<Class<? extends WebAuthnException>, String> STEPS = steps();

    private final DeviceCheckManager manager;
    private final ObjectConverter converter;

    /** What an attestation proved: the device key to keep. */
    public record Attested(byte[] keyId, byte[] publicKey, long counter, byte[] receipt) {
    }

    /**
     * @param root       Apple's App Attestation root CA (or a test root)
     * @param production whether keys must come from the production environment
     */
    public AppAttestVerifier(X509Certificate root, boolean production, Clock clock) {
        this.converter = DeviceCheckManager.createObjectConverter();
        final DefaultCertPathTrustworthinessVerifier chain = new DefaultCertPathTrustworthinessVerifier(
                new SingleRoot(root));
        final CertPathTrustworthinessVerifier atOurTime = new CertPathTrustworthinessVerifier() {
            @Override
            public void verify(AAGUID aaguid, CertificateBaseAttestationStatement statement, Instant ignored) {
                chain.verify(aaguid, statement, clock.instant());
            }
        };
        this.manager = new DeviceCheckManager(atOurTime, converter);
        manager.getAttestationDataValidator().setProduction(production);
    }

    /** The attestation of a new key, over {@code clientDataHash} (SHA-256 of our challenge). */
    public Attested attest(String appId, byte[] keyId, byte[] attestationObject, byte[] clientDataHash) {
        final DCAttestationData data = run(() -> manager.validate(
                new DCAttestationRequest(keyId, attestationObject, clientDataHash),
                new DCAttestationParameters(new DCServerProperty(appId, new DefaultChallenge(clientDataHash)))));
        final var authenticator = data.getAttestationObject().getAuthenticatorData();
        final AttestedCredentialData credential = authenticator.getAttestedCredentialData();
        final var statement = (com.webauthn4j.appattest.data.attestation.statement.AppleAppAttestAttestationStatement)
                data.getAttestationObject().getAttestationStatement();
        return new Attested(credential.getCredentialId(),
                converter.getCborConverter().writeValueAsBytes(credential.getCOSEKey()), authenticator.getSignCount(),
                statement.getReceipt());
    }

    /** An assertion with a kept key, over {@code clientDataHash}; the new counter. */
    public long assertion(String appId, Attested key, byte[] assertion, byte[] clientDataHash) {
        final COSEKey publicKey;
        try {
            publicKey = converter.getCborConverter().readValue(key.publicKey(), COSEKey.class);
        } catch (RuntimeException e) {
            throw new IllegalStateException("a stored App Attest key does not read back", e);
        }
        final DCAppleDeviceImpl device = new DCAppleDeviceImpl(new AttestedCredentialData(AAGUID.ZERO, key.keyId(),
                publicKey), null, key.counter(), null);
        final DCAssertionData data = run(() -> manager.validate(new DCAssertionRequest(key.keyId(), assertion,
                clientDataHash), new DCAssertionParameters(new DCServerProperty(appId,
                new DefaultChallenge(clientDataHash)), device)));
        return data.getAuthenticatorData().getSignCount();
    }

    private static <T> T run(java.util.function.Supplier<T> checks) {
        try {
            return checks.get();
        } catch (WebAuthnException e) {
            // The library's messages name what differed, never a secret.
            throw new AppCheckRejected(stepOf(e), String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            throw new AppCheckRejected("malformed", "the attestation or assertion does not parse");
        }
    }

    static String stepOf(WebAuthnException e) {
        // The statement's checks share one exception: its message tells the nonce's from the key's.
        final String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (e instanceof BadAttestationStatementException && message.contains("nonce")) {
            return "nonce";
        }
        if (e instanceof BadAttestationStatementException && message.contains("key identifier")) {
            return "keyId";
        }
        for (Map.Entry<Class<? extends WebAuthnException>, String> step : STEPS.entrySet()) {
            if (step.getKey().isInstance(e)) {
                return step.getValue();
            }
        }
        return "malformed";
    }

    private static Map<Class<? extends WebAuthnException>, String> steps() {
        final Map<Class<? extends WebAuthnException>, String> steps = new LinkedHashMap<>();
        steps.put(TrustAnchorNotFoundException.class, "certificateChain");
        steps.put(CertificateException.class, "certificateChain");
        steps.put(BadAttestationStatementException.class, "attestationStatement");
        steps.put(BadChallengeException.class, "nonce");
        steps.put(BadRpIdException.class, "appId");
        steps.put(BadAaguidException.class, "environment");
        steps.put(BadSignatureException.class, "signature");
        steps.put(MaliciousCounterValueException.class, "counter");
        return java.util.Collections.unmodifiableMap(steps);
    }

    /** The one root a chain must end at. */
    private record SingleRoot(X509Certificate root) implements com.webauthn4j.anchor.TrustAnchorRepository {
        @Override
        public Set<TrustAnchor> find(AAGUID aaguid) {
            return Set.of(new TrustAnchor(root, null));
        }

        @Override
        public Set<TrustAnchor> find(byte[] attestationCertificateKeyIdentifier) {
            return Set.of(new TrustAnchor(root, null));
        }
    }
}
