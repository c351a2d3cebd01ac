package dev.oauthapi.passkeys;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Set;

import static dev.oauthapi.passkeys.SoftwareAuthenticator.BE;
import static dev.oauthapi.passkeys.SoftwareAuthenticator.BS;
import static dev.oauthapi.passkeys.SoftwareAuthenticator.UP;
import static dev.oauthapi.passkeys.SoftwareAuthenticator.UV;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each check of the passkey checklist, with a software authenticator's real keys and signatures. */
class PasskeyVerifierTest {
    private static final String RP_ID = "example.com";
    private static final String ORIGIN = "https://example.com";
    private static final String ANDROID = "android:apk-key-hash:Qm9ndXMgYnV0IHdlbGwtZm9ybWVkIGtleSBoYXNoIGZvciB0ZXN0cw";
    private static final PasskeyVerifier VERIFIER = new PasskeyVerifier(RP_ID, Set.of(ORIGIN, ANDROID));
    private static final byte[] HANDLE = random(32);

    private static byte[] random(int n) {
        final byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static PasskeyVerifier.Registration registered(SoftwareAuthenticator authenticator) {
        final byte[] challenge = random(32);
        final var created = authenticator.register(ORIGIN, challenge, HANDLE);
        return VERIFIER.register(created.clientDataJSON(), created.attestationObject(), challenge);
    }

    private static PasskeyVerifier.Assertion signIn(PasskeyVerifier.Stored stored, SoftwareAuthenticator.Asserted a,
                                                    byte[] challenge) {
        return VERIFIER.authenticate(stored, a.credentialId(), a.userHandle(), a.authenticatorData(),
                a.clientDataJSON(), a.signature(), challenge);
    }

    private static void refused(Runnable ceremony, String check) {
        assertThatThrownBy(ceremony::run).isInstanceOf(PasskeyRejected.class)
                .satisfies(e -> assertThat(((PasskeyRejected) e).check()).isEqualTo(check))
                .hasMessageStartingWith(check + ": ");
    }

    @Test
    void aRegistrationGivesTheCredentialItsCoseKeyAndFlags() {
        final SoftwareAuthenticator authenticator = new SoftwareAuthenticator(RP_ID);
        final PasskeyVerifier.Registration registration = registered(authenticator);

        assertThat(registration.credentialId()).isNotEmpty();
        assertThat(registration.algorithm()).isEqualTo(-7);
        assertThat(registration.publicKey()).isNotEmpty();
        assertThat(registration.backupEligible()).isFalse();
        assertThat(registration.origin()).isEqualTo(ORIGIN);
    }

    @Test
    void theChallengeIsReadFromTheClientDataBeforeAnythingElse() {
        final byte[] challenge = random(57);
        assertThat(VERIFIER.challengeOf(SoftwareAuthenticator.clientData("webauthn.get", challenge, ORIGIN)))
                .isEqualTo(challenge);
        refused(() -> VERIFIER.challengeOf("not json".getBytes()), "clientData");
    }

    @Test
    void registrationChecks() {
        final byte[] challenge = random(32);
        final var created = new SoftwareAuthenticator(RP_ID).register(ORIGIN, challenge, HANDLE);

        refused(() -> VERIFIER.register(created.clientDataJSON(), created.attestationObject(), random(32)), "challenge");
        final var elsewhere = new SoftwareAuthenticator(RP_ID).register("https://evil.example", challenge, HANDLE);
        refused(() -> VERIFIER.register(elsewhere.clientDataJSON(), elsewhere.attestationObject(), challenge), "origin");
        final var otherRp = new SoftwareAuthenticator("other.example").register(ORIGIN, challenge, HANDLE);
        refused(() -> VERIFIER.register(otherRp.clientDataJSON(), otherRp.attestationObject(), challenge), "rpIdHash");
        refused(() -> VERIFIER.register(created.clientDataJSON(),
                SoftwareAuthenticator.withFlags(created.attestationObject(), RP_ID, 0, UV), challenge), "userVerified");
        refused(() -> VERIFIER.register(created.clientDataJSON(),
                SoftwareAuthenticator.withFlags(created.attestationObject(), RP_ID, BS, 0), challenge), "backupState");
        final PasskeyVerifier rsaOnly = new PasskeyVerifier(RP_ID, Set.of(ORIGIN), java.util.List.of(-257));
        refused(() -> rsaOnly.register(created.clientDataJSON(), created.attestationObject(), challenge), "algorithm");
        refused(() -> VERIFIER.register(SoftwareAuthenticator.clientData("webauthn.get", challenge, ORIGIN),
                created.attestationObject(), challenge), "type");
        refused(() -> VERIFIER.register(created.clientDataJSON(), new byte[] {1, 2, 3}, challenge), "malformed");
    }

    @Test
    void aSignInWithTheRegisteredKeyVerifiesAndMovesTheCounter() {
        final SoftwareAuthenticator authenticator = new SoftwareAuthenticator(RP_ID);
        final var registration = registered(authenticator);
        final var stored = new PasskeyVerifier.Stored(registration.credentialId(), registration.publicKey(),
                registration.signCount(), false);
        final byte[] challenge = random(57);

        final var assertion = signIn(stored, authenticator.assertion(ORIGIN, challenge, HANDLE, 7), challenge);

        assertThat(assertion.signCount()).isEqualTo(7);
        assertThat(assertion.counterAnomaly()).isFalse();
        assertThat(assertion.origin()).isEqualTo(ORIGIN);
        assertThat(signIn(stored, authenticator.assertion(ANDROID, challenge, HANDLE, 8), challenge).origin())
                .isEqualTo(ANDROID);
    }

    @Test
    void signInChecks() {
        final SoftwareAuthenticator authenticator = new SoftwareAuthenticator(RP_ID);
        final var registration = registered(authenticator);
        final var stored = new PasskeyVerifier.Stored(registration.credentialId(), registration.publicKey(), 1, false);
        final byte[] challenge = random(57);

        refused(() -> signIn(stored, authenticator.assertion(ORIGIN, challenge, HANDLE, 5), random(57)), "challenge");
        refused(() -> signIn(stored, authenticator.assertion("https://evil.example", challenge, HANDLE, 5), challenge),
                "origin");
        refused(() -> signIn(stored, authenticator.assertion(ORIGIN, challenge, HANDLE, "other.example", UP | UV, 5),
                challenge), "rpIdHash");
        refused(() -> signIn(stored, authenticator.assertion(ORIGIN, challenge, HANDLE, RP_ID, UP, 5), challenge),
                "userVerified");
        refused(() -> signIn(stored, authenticator.assertion(ORIGIN, challenge, HANDLE, RP_ID, UP | UV | BS, 5),
                challenge), "backupState");
        refused(() -> signIn(stored, authenticator.assertion(ORIGIN, challenge, HANDLE, RP_ID, UP | UV | BE, 5),
                challenge), "backupEligible");
        final var a = authenticator.assertion(ORIGIN, challenge, HANDLE, 5);
        final byte[] forged = a.signature().clone();
        forged[forged.length - 1] ^= 1;
        refused(() -> VERIFIER.authenticate(stored, a.credentialId(), a.userHandle(), a.authenticatorData(),
                a.clientDataJSON(), forged, challenge), "signature");
    }

    @Test
    void aDeviceBoundPasskeyWhoseCounterDidNotMoveIsAPossibleClone() {
        final SoftwareAuthenticator authenticator = new SoftwareAuthenticator(RP_ID);
        final var registration = registered(authenticator);
        final var stored = new PasskeyVerifier.Stored(registration.credentialId(), registration.publicKey(), 9, false);
        final byte[] challenge = random(57);

        refused(() -> signIn(stored, authenticator.assertion(ORIGIN, challenge, HANDLE, 9), challenge), "counter");
        refused(() -> signIn(stored, authenticator.assertion(ORIGIN, challenge, HANDLE, 3), challenge), "counter");
        assertThat(signIn(stored, authenticator.assertion(ORIGIN, challenge, HANDLE, 0), challenge).counterAnomaly())
                .as("a device-bound passkey that stopped counting: audited, not refused").isTrue();
    }

    @Test
    void aSyncedPasskeyIsNeverRefusedForItsCounter() {
        final SoftwareAuthenticator authenticator = new SoftwareAuthenticator(RP_ID);
        final var registration = registered(authenticator);
        final var synced = new PasskeyVerifier.Stored(registration.credentialId(), registration.publicKey(), 9, true);
        final byte[] challenge = random(57);

        final var anomaly = signIn(synced, authenticator.assertion(ORIGIN, challenge, HANDLE, RP_ID, UP | UV | BE, 4),
                challenge);
        assertThat(anomaly.counterAnomaly()).isTrue();
        assertThat(anomaly.signCount()).as("the stored counter never goes back").isEqualTo(9);
        final var zero = new PasskeyVerifier.Stored(registration.credentialId(), registration.publicKey(), 0, true);
        final var both0 = signIn(zero, authenticator.assertion(ORIGIN, challenge, HANDLE, RP_ID, UP | UV | BE | BS, 0),
                challenge);
        assertThat(both0.counterAnomaly()).as("both 0: no check").isFalse();
        assertThat(both0.backedUp()).isTrue();
    }
}
