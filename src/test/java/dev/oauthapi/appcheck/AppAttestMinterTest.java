package dev.oauthapi.appcheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.webauthn4j.appattest.DeviceCheckManager;
import com.webauthn4j.appattest.data.DCAssertion;
import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.statement.CertificateBaseAttestationStatement;
import dev.oauthapi.testing.MutableClock;
import dev.oauthapi.testing.TestAppAttest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The App Attest minter is only useful if the verifier judges its output as it judges Apple's: what
 * an honest device sends passes, and each single thing a forger could change fails at its step.
 * Its likeness to Apple's own bytes is checked against the real vector the verifier's test uses.
 */
class AppAttestMinterTest {
    private static final String APP_ID = "TEAMID1234.dev.oauthapi.example";
    private static final String CHALLENGE = "a challenge the service issued";
    private static final ObjectConverter CONVERTER = DeviceCheckManager.createObjectConverter();

    // A time no real Apple certificate covers, to show the minted chain does not lean on the clock.
    private final MutableClock clock = new MutableClock(Instant.parse("2071-03-04T05:06:07Z"));
    private final TestAppAttest apple = new TestAppAttest();
    private final AppAttestVerifier production = new AppAttestVerifier(apple.root(), true, clock);
    private final TestAppAttest.Device device = apple.newDevice();

    private static byte[] hash(String challenge) {
        return TestAppAttest.clientDataHash(challenge);
    }

    private static void refused(Runnable check, String step) {
        assertThatThrownBy(check::run).isInstanceOf(AppCheckRejected.class)
                .satisfies(e -> assertThat(((AppCheckRejected) e).step()).as(e.getMessage()).isEqualTo(step));
    }

    private AppAttestVerifier.Attested attested() {
        return production.attest(APP_ID, device.keyId(), apple.attest(device, APP_ID, CHALLENGE, true),
                hash(CHALLENGE));
    }

    private static AppAttestVerifier.Attested at(AppAttestVerifier.Attested key, long counter) {
        return new AppAttestVerifier.Attested(key.keyId(), key.publicKey(), counter, key.receipt());
    }

    @Test
    void aMintedAttestationAndAssertionsWithARisingCounterAreAccepted() {
        final AppAttestVerifier.Attested key = attested();

        assertThat(key.keyId()).isEqualTo(device.keyId());
        assertThat(Base64.getDecoder().decode(device.keyIdBase64())).isEqualTo(device.keyId());
        assertThat(key.counter()).isZero();
        assertThat(key.receipt()).isNotEmpty();
        assertThat(production.assertion(APP_ID, key, apple.assertion(device, APP_ID, "next", 1), hash("next")))
                .isEqualTo(1);
        assertThat(production.assertion(APP_ID, at(key, 1), apple.assertion(device, APP_ID, "then", 2), hash("then")))
                .isEqualTo(2);
    }

    @Test
    void aDevelopmentKeyIsAcceptedByADevelopmentVerifier() {
        final AppAttestVerifier development = new AppAttestVerifier(apple.root(), false, clock);

        assertThat(development.attest(APP_ID, device.keyId(), apple.attest(device, APP_ID, CHALLENGE, false),
                hash(CHALLENGE)).keyId()).isEqualTo(device.keyId());
    }

    @Test
    void eachDefectOfAnAttestationIsRefusedAtItsStep() {
        final byte[] keyId = device.keyId();
        refused(() -> production.attest(APP_ID, keyId, new TestAppAttest().attest(device, APP_ID, CHALLENGE, true),
                hash(CHALLENGE)), "certificateChain");
        refused(() -> production.attest(APP_ID, keyId, apple.attest(device, APP_ID, "another challenge", true),
                hash(CHALLENGE)), "nonce");
        refused(() -> production.attest(APP_ID, keyId, apple.attest(device, "TEAMID1234.dev.oauthapi.other",
                CHALLENGE, true), hash(CHALLENGE)), "appId");
        refused(() -> production.attest(APP_ID, keyId, apple.attest(device, APP_ID, CHALLENGE, false),
                hash(CHALLENGE)), "environment");
        refused(() -> production.attest(APP_ID, keyId, apple.attestation(device, APP_ID, CHALLENGE).counter(1).mint(),
                hash(CHALLENGE)), "counter");
    }

    @Test
    void aKeyIdThatIsNotTheKeysIsRefusedAsTheKeyIdStep() {
        // A forger claiming another device's key id, consistently in the request and the credential id.
        final byte[] otherKeyId = apple.newDevice().keyId();
        refused(() -> production.attest(APP_ID, otherKeyId, apple.attestation(device, APP_ID, CHALLENGE)
                .keyId(otherKeyId).mint(), hash(CHALLENGE)), "keyId");
        // An honest attestation sent beside another key id.
        refused(() -> production.attest(APP_ID, otherKeyId, apple.attest(device, APP_ID, CHALLENGE, true),
                hash(CHALLENGE)), "keyId");
    }

    @Test
    void anAssertionByAnotherKeyOrWithoutARisingCounterIsRefused() {
        final AppAttestVerifier.Attested key = at(attested(), 1);

        refused(() -> production.assertion(APP_ID, key, apple.assertion(apple.newDevice(), APP_ID, "next", 2),
                hash("next")), "signature");
        refused(() -> production.assertion(APP_ID, key, apple.assertion(device, APP_ID, "next", 1), hash("next")),
                "counter");
        refused(() -> production.assertion(APP_ID, at(key, 5), apple.assertion(device, APP_ID, "next", 4),
                hash("next")), "counter");
    }

    @Test
    void theRootIsGivenAsPemTextAndFile(@TempDir Path dir) throws Exception {
        final Path file = apple.writeRootPem(dir);

        assertThat(Files.readString(file)).isEqualTo(apple.rootPem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(Files.readAllBytes(file)))).isEqualTo(apple.root());
    }

    @Test
    void applesOwnAssertionIsSignedAsTheMinterSignsAndItsAttestationIsLaidOutAlike() throws Exception {
        final JsonNode vector = vector();
        final byte[] attestation = Base64.getDecoder().decode(vector.path("attestationObjectBase64").asText());
        final DCAssertion assertion = CONVERTER.getCborMapper().readValue(
                Base64.getDecoder().decode(vector.path("assertionBase64").asText()), DCAssertion.class);
        final var leaf = ((CertificateBaseAttestationStatement) new AttestationObjectConverter(CONVERTER)
                .convert(attestation).getAttestationStatement()).getX5c().getEndEntityAttestationCertificate();
        final byte[] data = assertion.getAuthenticatorData();
        final byte[] clientDataHash = hash(vector.path("challengeUtf8").asText());

        // SHA256withECDSA over the nonce SHA-256(authenticatorData ‖ clientDataHash), not over the pair itself.
        final Signature ecdsa = Signature.getInstance("SHA256withECDSA");
        ecdsa.initVerify(leaf.getCertificate().getPublicKey());
        ecdsa.update(MessageDigest.getInstance("SHA-256").digest(ByteBuffer.allocate(data.length + 32).put(data)
                .put(clientDataHash).array()));
        assertThat(ecdsa.verify(assertion.getSignature())).isTrue();

        // Same authenticator data layout byte for byte apart from hashes, ids and key coordinates.
        final AttestationObjectConverter objects = new AttestationObjectConverter(CONVERTER);
        final byte[] apples = objects.extractAuthenticatorData(attestation);
        final byte[] ours = objects.extractAuthenticatorData(apple.attest(device, APP_ID, CHALLENGE, true));
        assertThat(ours).hasSameSizeAs(apples);
        assertThat(Arrays.copyOfRange(ours, 32, 55)).isEqualTo(Arrays.copyOfRange(apples, 32, 55));
        assertThat(Arrays.copyOfRange(ours, 87, 97)).as("COSE key header")
                .isEqualTo(Arrays.copyOfRange(apples, 87, 97));
        final byte[] ourAssertionData = CONVERTER.getCborMapper().readValue(
                apple.assertion(device, APP_ID, CHALLENGE, 1), DCAssertion.class).getAuthenticatorData();
        assertThat(Arrays.copyOfRange(ourAssertionData, 32, 37)).isEqualTo(Arrays.copyOfRange(data, 32, 37));
    }

    private static JsonNode vector() throws IOException {
        try (InputStream json = AppAttestMinterTest.class.getResourceAsStream("/vectors/app-attest.json")) {
            return new ObjectMapper().readTree(json);
        }
    }
}
