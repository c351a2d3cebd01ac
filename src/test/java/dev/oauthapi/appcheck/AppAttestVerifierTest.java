package dev.oauthapi.appcheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real attestation and a later assertion that Apple's App Attest service produced for one device
 * key ({@code vectors/app-attest.json}), verified at a time inside its leaf certificate's validity:
 * both accepted, and refused for each thing an attacker could change.
 */
class AppAttestVerifierTest {
    private static final JsonNode VECTOR = vector();
    private static final String APP_ID = VECTOR.path("appId").asText();
    private static final byte[] KEY_ID = Base64.getDecoder().decode(VECTOR.path("keyIdBase64").asText());
    private static final byte[] ATTESTATION = Base64.getDecoder().decode(VECTOR.path("attestationObjectBase64").asText());
    private static final byte[] ASSERTION = Base64.getDecoder().decode(VECTOR.path("assertionBase64").asText());
    private static final byte[] CLIENT_DATA_HASH = sha256(VECTOR.path("challengeUtf8").asText());
    private static final MutableClock CLOCK = new MutableClock(Instant.parse(VECTOR.path("verifyAt").asText()));
    private static final AppAttestVerifier PRODUCTION = new AppAttestVerifier(root(), true, CLOCK);

    private static JsonNode vector() {
        try (InputStream json = AppAttestVerifierTest.class.getResourceAsStream("/vectors/app-attest.json")) {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate root() {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(
                    VECTOR.path("appleAppAttestationRootCaPem").asText().getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] flipped(byte[] bytes, int index) {
        final byte[] copy = bytes.clone();
        copy[index] ^= 1;
        return copy;
    }

    private static void refused(Runnable check, String step) {
        assertThatThrownBy(check::run).isInstanceOf(AppCheckRejected.class)
                .satisfies(e -> assertThat(((AppCheckRejected) e).step()).as(e.getMessage()).isEqualTo(step));
    }

    @Test
    void applesAttestationAndItsLaterAssertionAreAccepted() {
        final AppAttestVerifier.Attested attested = PRODUCTION.attest(APP_ID, KEY_ID, ATTESTATION, CLIENT_DATA_HASH);

        assertThat(attested.keyId()).isEqualTo(KEY_ID);
        assertThat(attested.counter()).isZero();
        assertThat(attested.receipt()).isNotEmpty();
        assertThat(PRODUCTION.assertion(APP_ID, attested, ASSERTION, CLIENT_DATA_HASH))
                .isEqualTo(VECTOR.path("assertionCounter").asLong());
    }

    @Test
    void theAttestationIsRefusedForAnotherAppChallengeEnvironmentOrKey() {
        refused(() -> PRODUCTION.attest("8YE23NZS57.com.example.other", KEY_ID, ATTESTATION, CLIENT_DATA_HASH), "appId");
        refused(() -> PRODUCTION.attest(APP_ID, KEY_ID, ATTESTATION, sha256("another challenge")), "nonce");
        refused(() -> new AppAttestVerifier(root(), false, CLOCK).attest(APP_ID, KEY_ID, ATTESTATION, CLIENT_DATA_HASH),
                "environment");
        refused(() -> PRODUCTION.attest(APP_ID, flipped(KEY_ID, 0), ATTESTATION, CLIENT_DATA_HASH),
                "keyId");
    }

    @Test
    void oneByteChangedInTheCertificatesOrTheAuthenticatorDataIsRefused() {
        // The leaf certificate's signature sits well inside the first certificate of x5c.
        refused(() -> PRODUCTION.attest(APP_ID, KEY_ID, flipped(ATTESTATION, 600), CLIENT_DATA_HASH),
                "certificateChain");
        // The authenticator data comes last in the attestation object (164 bytes): first its RP ID hash.
        final int rpIdHash = ATTESTATION.length - 160;
        assertThatThrownBy(() -> PRODUCTION.attest(APP_ID, KEY_ID, flipped(ATTESTATION, rpIdHash), CLIENT_DATA_HASH))
                .isInstanceOf(AppCheckRejected.class);
    }

    @Test
    void theCertificatesAreJudgedAtTheServicesTime() {
        final MutableClock later = new MutableClock(Instant.parse("2020-10-05T00:00:00Z"));
        refused(() -> new AppAttestVerifier(root(), true, later).attest(APP_ID, KEY_ID, ATTESTATION, CLIENT_DATA_HASH),
                "certificateChain");
    }

    @Test
    void theAssertionIsRefusedWithAnotherSignatureChallengeAppOrAReplayedCounter() {
        final AppAttestVerifier.Attested attested = PRODUCTION.attest(APP_ID, KEY_ID, ATTESTATION, CLIENT_DATA_HASH);

        refused(() -> PRODUCTION.assertion(APP_ID, attested, flipped(ASSERTION, 20), CLIENT_DATA_HASH), "signature");
        refused(() -> PRODUCTION.assertion(APP_ID, attested, ASSERTION, sha256("another challenge")), "signature");
        refused(() -> PRODUCTION.assertion("8YE23NZS57.com.example.other", attested, ASSERTION, CLIENT_DATA_HASH),
                "appId");
        final AppAttestVerifier.Attested used = new AppAttestVerifier.Attested(attested.keyId(), attested.publicKey(),
                1, attested.receipt());
        refused(() -> PRODUCTION.assertion(APP_ID, used, ASSERTION, CLIENT_DATA_HASH), "counter");
    }

    @Test
    void theBundledRootIsApplesAppAttestationRootCa() throws Exception {
        try (InputStream bundled = AppCheck.class.getResourceAsStream("/appcheck/apple-app-attestation-root-ca.crt")) {
            assertThat(bundled).as("in the jar (a .crt: *.pem files are kept out of the repository)").isNotNull();
            assertThat(CertificateFactory.getInstance("X.509").generateCertificate(bundled)).isEqualTo(root());
        }
    }
}
