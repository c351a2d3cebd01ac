package dev.oauthapi.appcheck;

import dev.oauthapi.db.AppAttestKeyDao;
import dev.oauthapi.db.AppAttestKeyRow;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;
import java.util.Base64;
import java.util.List;

/**
 * Apple App Attest for our iOS apps: a device key attests once (its attestation is checked, then
 * the key is kept), then proves itself with assertions over fresh challenges, each with a counter
 * above the last one. A key an admin revoked asserts no more. Which of our apps a key belongs to is
 * what its attestation proved (the RP ID hash of one of {@code APP_CHECK_IOS_APP_IDS}).
 */
final class AppleAppAttest {
    /** Apple's receipts are a few KiB; the column takes 16 KiB. */
    private static final int MAX_RECEIPT = 16 * 1024;

    private final AppAttestVerifier verifier;
    private final List<String> appIds;
    private final String environment;
    private final Jdbi jdbi;
    private final Clock clock;

    /** A key that proved itself: the app token names it. */
    record Proven(String appId, byte[] keyId) {
        String keyIdBase64Url() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(keyId);
        }
    }

    AppleAppAttest(AppAttestVerifier verifier, List<String> appIds, boolean production, Jdbi jdbi, Clock clock) {
        this.verifier = verifier;
        this.appIds = List.copyOf(appIds);
        this.environment = production ? "production" : "development";
        this.jdbi = jdbi;
        this.clock = clock;
    }

    boolean isEnabled() {
        return !appIds.isEmpty();
    }

    /** Checks a new key's attestation for one of our apps; {@link #keep} stores it once the challenge is spent. */
    AttestedKey attest(byte[] keyId, byte[] attestation, byte[] clientDataHash) {
        AppCheckRejected wrongApp = null;
        for (String appId : appIds) {
            try {
                return new AttestedKey(appId, verifier.attest(appId, keyId, attestation, clientDataHash));
            } catch (AppCheckRejected e) {
                if (!"appId".equals(e.step())) {
                    throw e;
                }
                wrongApp = e; // another of our apps may be the one
            }
        }
        throw wrongApp != null ? wrongApp : new AppCheckRejected("appId", "no iOS app is configured");
    }

    record AttestedKey(String appId, AppAttestVerifier.Attested key) {
    }

    /** Keeps an attested key; a key id that attested before is refused (Apple's keys attest once). */
    Proven keep(AttestedKey attested) {
        final AppAttestVerifier.Attested key = attested.key();
        if (key.receipt() != null && key.receipt().length > MAX_RECEIPT) {
            throw new AppCheckRejected("malformed", "the receipt is larger than Apple's ever are");
        }
        final boolean inserted = jdbi.withHandle(handle -> new AppAttestKeyDao(handle).insert(new AppAttestKeyRow(
                key.keyId(), key.publicKey(), key.counter(), key.receipt(), attested.appId(), environment,
                clock.instant(), null, null)));
        if (!inserted) {
            throw new AppCheckRejected("keyId", "this key was attested before; a key attests once, then asserts");
        }
        return new Proven(attested.appId(), key.keyId());
    }

    /** The kept key of an assertion, live (not revoked), with the counter the assertion must beat. */
    AppAttestKeyRow key(byte[] keyId) {
        final AppAttestKeyRow row = jdbi.withHandle(handle -> new AppAttestKeyDao(handle).find(keyId))
                .orElseThrow(() -> new AppCheckRejected("keyId", "no attested key has this id; attest it first"));
        if (row.revokedAt() != null) {
            throw new AppCheckRejected("keyId", "this key was revoked; attest a new one");
        }
        if (!environment.equals(row.environment())) {
            throw new AppCheckRejected("environment", "this key attested in the " + row.environment()
                    + " environment; attest a new one");
        }
        if (!appIds.contains(row.appId())) {
            throw new AppCheckRejected("appId", "this key's app is no longer one of APP_CHECK_IOS_APP_IDS");
        }
        return row;
    }

    /** Checks an assertion with a kept key; the counter it moves to. */
    long verify(AppAttestKeyRow key, byte[] assertion, byte[] clientDataHash) {
        return verifier.assertion(key.appId(), new AppAttestVerifier.Attested(key.keyId(), key.publicKey(),
                key.counter(), null), assertion, clientDataHash);
    }

    /** Moves the counter, atomically: of two assertions with one counter, one wins. */
    Proven advance(AppAttestKeyRow key, long counter) {
        final boolean moved = jdbi.withHandle(handle -> new AppAttestKeyDao(handle).advance(key.keyId(), counter,
                clock.instant()));
        if (!moved) {
            throw new AppCheckRejected("counter", "the counter is not above the last one seen (a replay), or the key"
                    + " was revoked meanwhile");
        }
        return new Proven(key.appId(), key.keyId());
    }
}
