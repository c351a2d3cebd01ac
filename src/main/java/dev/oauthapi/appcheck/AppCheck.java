package dev.oauthapi.appcheck;

import dev.oauthapi.config.AppCheckConfig;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.SignInMarks;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * App attestation as configured: the provers behind {@code /api/app-check} and the gate on the
 * requests that start or renew a session, sharing one kind of app token.
 */
public record AppCheck(AppAttestation attestation, AppCheckGate gate) {
    /** Apple's App Attestation Root CA, from Apple's Private PKI page, as bundled. */
    private static final String APPLE_ROOT = "/appcheck/apple-app-attestation-root-ca.crt";

    /**
     * @param challengeKey the shared key that MACs challenges
     * @param webClients   the clients that cannot attest (web client ids, web passkey origins)
     */
    public static AppCheck build(AppCheckConfig config, AppTokens tokens, Jdbi jdbi, SignInMarks marks,
                                 Supplier<byte[]> challengeKey, Set<String> webClients, SecureRandom random,
                                 Clock clock, AuthMetrics metrics) {
        final AppleAppAttest apple = new AppleAppAttest(new AppAttestVerifier(root(config.rootCa()),
                config.isProduction(), clock), config.iosAppIds().values(), config.isProduction(), jdbi, clock);
        final IntegrityDecoder decoder = config.androidPackages().isEmpty() ? (packageName, token) -> {
            throw new IllegalStateException("Play Integrity is off");
        } : config.decodesLocally()
                ? new LocalIntegrityDecoder(config.playIntegrityDecryptionKey().reveal(), config.playIntegrityVerificationKey())
                : new GoogleIntegrityDecoder(Path.of(config.googleApplicationCredentials()), config.playIntegrityUrl());
        final PlayIntegrity android = new PlayIntegrity(decoder, config.android(), config.deviceVerdict(),
                config.maxTokenAge().toJavaDuration(), clock);
        final AppAttestation attestation = new AppAttestation(new AppCheckChallenges(challengeKey, random, clock), apple,
                android, DebugTokens.of(config.debugTokenEntries()), tokens, marks, metrics, clock);
        final AppCheckGate gate = new AppCheckGate(AppCheckGate.Mode.valueOf(config.mode().toUpperCase(Locale.ROOT)),
                tokens, webClients, config.appOfClient(), metrics, clock);
        return new AppCheck(attestation, gate);
    }

    private static X509Certificate root(String path) {
        try (InputStream pem = path.isBlank() ? AppCheck.class.getResourceAsStream(APPLE_ROOT)
                : Files.newInputStream(Path.of(path))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(pem);
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new IllegalArgumentException("APP_ATTEST_ROOT_CA: cannot read a PEM certificate from " + path, e);
        }
    }
}
