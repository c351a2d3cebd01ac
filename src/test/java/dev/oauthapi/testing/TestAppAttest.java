package dev.oauthapi.testing;

import com.webauthn4j.appattest.DeviceCheckManager;
import com.webauthn4j.appattest.data.DCAssertion;
import com.webauthn4j.appattest.data.attestation.statement.AppleAppAttestAttestationStatement;
import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.AttestationCertificatePath;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;
import com.webauthn4j.util.ECUtil;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for Apple's App Attest service, made as strictly as the real one: real P-256 keys,
 * real ECDSA signatures and real X.509 certificates under a root CA made here (root, then an
 * "App Attestation CA 1"-like intermediate, then one credential certificate per attestation), and
 * the attestation and assertion objects in Apple's CBOR layout. A verifier given {@link #root()}
 * in place of Apple's root should therefore judge these as it judges what real devices send.
 *
 * <p>Defects come from the ordinary parameters where a device could send them: another app id or
 * challenge than the service expects, a development key ({@code production = false}), a chain from
 * another root (another {@code TestAppAttest}), an assertion from another {@link Device}. What only
 * a forger could change (the key id, a nonzero counter) goes through {@link #attestation}.
 */
public final class TestAppAttest {
    /** Apple's credential certificate extension holding the nonce. */
    private static final ASN1ObjectIdentifier NONCE = new ASN1ObjectIdentifier("1.2.840.113635.100.8.2");
    private static final AAGUID PRODUCTION = new AAGUID("appattest\0\0\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII));
    private static final AAGUID DEVELOPMENT = new AAGUID("appattestdevelop".getBytes(StandardCharsets.US_ASCII));
    // Apple sets only bit 6 (AT) in both objects, even in an assertion that carries no key.
    private static final byte FLAGS = AuthenticatorData.BIT_AT;
    // Wide enough for any test clock; the leaf gets the same span, unlike Apple's three days.
    private static final Date NOT_BEFORE = Date.from(Instant.parse("2020-01-01T00:00:00Z"));
    private static final Date NOT_AFTER = Date.from(Instant.parse("2100-01-01T00:00:00Z"));
    private static final ObjectConverter CONVERTER = DeviceCheckManager.createObjectConverter();
    private static final String ROOT_NAME = "CN=Test App Attestation Root CA, O=dev.oauthapi tests";
    private static final String CA_NAME = "CN=Test App Attestation CA 1, O=dev.oauthapi tests";

    private final AtomicLong serials = new AtomicLong(1);
    private final KeyPair rootKey = newKeyPair();
    private final X509Certificate root;
    private final KeyPair caKey = newKeyPair();
    private final X509Certificate ca;

    /** A device's App Attest key; its key id is what the app sends beside each attestation. */
    public record Device(KeyPair keyPair) {
        /** Apple's key id: SHA-256 of the uncompressed X9.62 public point (65 bytes). */
        public byte[] keyId() {
            return sha256(ECUtil.createUncompressedPublicKey((ECPublicKey) keyPair.getPublic()));
        }

        public String keyIdBase64() {
            return Base64.getEncoder().encodeToString(keyId());
        }
    }

    public TestAppAttest() {
        // Apple's CAs are P-384 and sign with SHA-384; a path check does not depend on the curve.
        root = certificate(ROOT_NAME, rootKey, ROOT_NAME, rootKey, new BasicConstraints(true), null);
        // As Apple's intermediate: it signs credential certificates only, never another CA.
        ca = certificate(CA_NAME, caKey, ROOT_NAME, rootKey, new BasicConstraints(0), null);
    }

    public X509Certificate root() {
        return root;
    }

    public String rootPem() {
        final StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** The root as a PEM file in {@code dir}, for the service's {@code APP_ATTEST_ROOT_CA}. */
    public Path writeRootPem(Path dir) {
        try {
            return Files.writeString(dir.resolve("app-attest-root.pem"), rootPem(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Device newDevice() {
        return new Device(newKeyPair());
    }

    /** What {@code DCAppAttestService.attestKey(keyId, clientDataHash: SHA-256(challenge))} returns. */
    public byte[] attest(Device device, String appId, String challenge, boolean production) {
        return attestation(device, appId, challenge).production(production).mint();
    }

    /** An attestation to mint after changing what an honest device never would. */
    public Attestation attestation(Device device, String appId, String challenge) {
        return new Attestation(device, appId, challenge);
    }

    /**
     * What {@code DCAppAttestService.generateAssertion(keyId, clientDataHash: SHA-256(challenge))}
     * returns: the device key signs, with SHA256withECDSA, the nonce SHA-256(authenticatorData ‖
     * clientDataHash). The nonce is hashed once more inside ECDSA, as in Apple's own assertions.
     */
    public byte[] assertion(Device device, String appId, String challenge, long counter) {
        final byte[] authenticatorData = new AuthenticatorDataConverter(CONVERTER)
                .convert(new AuthenticatorData<>(sha256(utf8(appId)), FLAGS, counter));
        try {
            final Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initSign(device.keyPair().getPrivate());
            ecdsa.update(nonce(authenticatorData, challenge));
            return CONVERTER.getCborMapper().writeValueAsBytes(new DCAssertion(ecdsa.sign(), authenticatorData));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of the challenge's UTF-8 bytes, as the app hands it to App Attest. */
    public static byte[] clientDataHash(String challenge) {
        return sha256(utf8(challenge));
    }

    /** One attestation, honest unless told otherwise. */
    public final class Attestation {
        private final Device device;
        private final String appId;
        private final String challenge;
        private boolean production = true;
        private byte[] keyId;
        private long counter;

        private Attestation(Device device, String appId, String challenge) {
            this.device = device;
            this.appId = appId;
            this.challenge = challenge;
            this.keyId = device.keyId();
        }

        public Attestation production(boolean production) {
            this.production = production;
            return this;
        }

        /** Claims this key id (credential id) for the device's public key. */
        public Attestation keyId(byte[] keyId) {
            this.keyId = keyId.clone();
            return this;
        }

        /** A sign count other than Apple's 0 for a new key. */
        public Attestation counter(long counter) {
            this.counter = counter;
            return this;
        }

        public byte[] mint() {
            final EC2COSEKey publicKey = EC2COSEKey.create((ECPublicKey) device.keyPair().getPublic(),
                    COSEAlgorithmIdentifier.ES256);
            final AuthenticatorData<RegistrationExtensionAuthenticatorOutput> data = new AuthenticatorData<>(
                    sha256(utf8(appId)), FLAGS, counter,
                    new AttestedCredentialData(production ? PRODUCTION : DEVELOPMENT, keyId, publicKey));
            final byte[] authenticatorData = new AuthenticatorDataConverter(CONVERTER).convert(data);
            final X509Certificate credential = certificate("CN=" + HexFormat.of().formatHex(keyId)
                            + ", OU=AAA Certification, O=dev.oauthapi tests", device.keyPair(),
                    CA_NAME, caKey, new BasicConstraints(false), nonce(authenticatorData, challenge));
            // Apple's receipt is a CMS blob for its fraud service; nothing here reads it.
            final byte[] receipt = utf8("test receipt, not signed by Apple");
            return new AttestationObjectConverter(CONVERTER).convertToBytes(new AttestationObject(data,
                    new AppleAppAttestAttestationStatement(new AttestationCertificatePath(List.of(credential, ca)),
                            receipt)));
        }
    }

    private X509Certificate certificate(String subject, KeyPair subjectKey, String issuer, KeyPair issuerKey,
                                        BasicConstraints constraints, byte[] nonce) {
        try {
            final JcaX509ExtensionUtils ids = new JcaX509ExtensionUtils();
            final X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                    BigInteger.valueOf(serials.getAndIncrement()), NOT_BEFORE, NOT_AFTER, new X500Name(subject),
                    subjectKey.getPublic())
                    .addExtension(Extension.basicConstraints, true, constraints)
                    .addExtension(Extension.keyUsage, true, new KeyUsage(constraints.isCA()
                            ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ids.createSubjectKeyIdentifier(subjectKey.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ids.createAuthorityKeyIdentifier(issuerKey.getPublic()));
            if (nonce != null) {
                builder.addExtension(NONCE, false, new DERSequence(new DERTaggedObject(true, 1,
                        new DEROctetString(nonce))));
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException("a test certificate could not be made", e);
        }
    }

    private static byte[] nonce(byte[] authenticatorData, String challenge) {
        return sha256(ByteBuffer.allocate(authenticatorData.length + 32).put(authenticatorData)
                .put(clientDataHash(challenge)).array());
    }

    private static KeyPair newKeyPair() {
        try {
            final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
