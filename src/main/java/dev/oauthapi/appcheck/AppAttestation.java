package dev.oauthapi.appcheck;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.SignInMarks;
import dev.oauthapi.tokens.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * {@code /api/app-check}: an app proves itself (Apple App Attest, Play Integrity, or a debug token)
 * over a single-use challenge and gets an app token ({@link AppTokens}). Each prover is a named
 * checklist; a refusal is {@code 401 invalid_attestation} naming the failed step, counted by
 * platform and step. A challenge is marked used before its checks run and given back when they
 * fail, so a retry works and a replay costs no check (nor Play Integrity quota). A platform with
 * nothing configured is off.
 */
public final class AppAttestation {
    private static final Logger LOG = LoggerFactory.getLogger(AppAttestation.class);

    private final AppCheckChallenges challenges;
    private final AppleAppAttest apple;
    private final PlayIntegrity android;
    private final DebugTokens debug;
    private final AppTokens tokens;
    private final SignInMarks marks;
    private final AuthMetrics metrics;
    private final Clock clock;

    AppAttestation(AppCheckChallenges challenges, AppleAppAttest apple, PlayIntegrity android, DebugTokens debug,
                   AppTokens tokens, SignInMarks marks, AuthMetrics metrics, Clock clock) {
        this.challenges = challenges;
        this.apple = apple;
        this.android = android;
        this.debug = debug;
        this.tokens = tokens;
        this.marks = marks;
        this.metrics = metrics;
        this.clock = clock;
    }

    public String challenge() {
        if (!apple.isEnabled() && !android.isEnabled()) {
            throw off("App attestation");
        }
        return challenges.issue();
    }

    public AppTokens.Issued appleAttestation(String keyId, String attestation, String challenge) {
        requireOn(apple.isEnabled(), "App Attest");
        return counted("ios", () -> {
            final byte[] key = keyId(keyId);
            final byte[] object = standardBase64(attestation, "attestation");
            return once(challenge, () -> {
                final AppleAppAttest.Proven proven = apple.keep(apple.attest(key, object, Sha256.of(challenge)));
                return tokens.issue("ios", proven.appId(), proven.keyIdBase64Url());
            });
        });
    }

    public AppTokens.Issued appleAssertion(String keyId, String assertion, String challenge) {
        requireOn(apple.isEnabled(), "App Attest");
        return counted("ios", () -> {
            final byte[] key = keyId(keyId);
            final byte[] signed = standardBase64(assertion, "assertion");
            return once(challenge, () -> {
                final var stored = apple.key(key);
                final AppleAppAttest.Proven proven = apple.advance(stored, apple.verify(stored, signed,
                        Sha256.of(challenge)));
                return tokens.issue("ios", proven.appId(), proven.keyIdBase64Url());
            });
        });
    }

    public AppTokens.Issued android(String integrityToken, String challenge, String packageName) {
        requireOn(android.isEnabled(), "Play Integrity");
        return counted("android", () -> {
            // Marked before the decode: a used challenge never spends Google's quota.
            return once(challenge, () -> tokens.issue("android", android.verify(integrityToken, challenge, packageName),
                    null));
        });
    }

    public AppTokens.Issued debug(String debugToken) {
        requireOn(!debug.isEmpty(), "Debug tokens");
        return counted("debug", () -> {
            final String label = debug.labelOf(debugToken)
                    .orElseThrow(() -> new AppCheckRejected("debugToken", "not one of APP_CHECK_DEBUG_TOKENS"));
            LOG.info("App token issued for the debug token labelled {}", label);
            return tokens.issue("debug", label, null);
        });
    }

    /**
     * Runs {@code work} with a challenge we issued, unexpired, marked used first: a used one is
     * refused before any check runs; should the work fail, the mark is given back, so a retry works
     * and nothing is half done.
     */
    private <T> T once(String challenge, Supplier<T> work) {
        final Instant expiry = challenges.open(challenge);
        final Duration remember = Duration.between(clock.instant(), expiry);
        return marks.once(Sha256.hex(challenge), remember.isNegative() ? Duration.ofSeconds(1) : remember, work,
                () -> new AppCheckRejected("challenge", "this challenge was used already; ask for a new one"));
    }

    private AppTokens.Issued counted(String platform, Supplier<AppTokens.Issued> attestation) {
        try {
            final AppTokens.Issued issued = attestation.get();
            metrics.appAttestation(platform, "issued");
            return issued;
        } catch (AppCheckRejected e) {
            metrics.appAttestation(platform, "refused");
            metrics.appAttestationRefused(platform, e.step());
            throw new ApiException(ErrorCode.INVALID_ATTESTATION, e.getMessage());
        } catch (ApiException e) {
            metrics.appAttestation(platform, e.code().status() < 500 ? "refused" : "failed");
            throw e;
        } catch (RuntimeException e) {
            metrics.appAttestation(platform, "failed");
            throw e;
        }
    }

    private static byte[] keyId(String keyId) {
        final byte[] key = standardBase64(keyId, "keyId");
        if (key.length != 32) {
            throw new AppCheckRejected("keyId", "a key id is the base64 of 32 bytes");
        }
        return key;
    }

    /** As DCAppAttestService gives them: standard base64 (padding optional). */
    private static byte[] standardBase64(String value, String member) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new AppCheckRejected("malformed", member + " is not standard base64");
        }
    }

    private static void requireOn(boolean on, String what) {
        if (!on) {
            throw off(what);
        }
    }

    private static ApiException off(String what) {
        return new ApiException(ErrorCode.PROVIDER_NOT_ENABLED, what + " is not configured on this server.");
    }
}
