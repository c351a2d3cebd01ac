package dev.oauthapi.sessions;


import dev.oauthapi.dpop.DpopBinding;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.testing.MutableClock;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestStores;
import dev.oauthapi.tokens.AccessTokens;
import dev.oauthapi.tokens.SigningKeyFiles;
import dev.oauthapi.tokens.SigningKeys;
import dev.oauthapi.tokens.SuccessorSeal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refresh rotation on the real changelog, with the clock moved by hand: the current token rotates,
 * its predecessor within the grace gets the same successor, anything older is reuse and ends the
 * session, and an ended or expired session refreshes nothing.
 */
class RefreshRotationTest {
    static final MutableClock CLOCK = MutableClock.startingNow();
    static final TestStores STORES = TestStores.fresh(CLOCK);
    static final TestDatabase DB = new TestDatabase(STORES.environment());
    static final SessionGate GATE = STORES.gate();
    static final SessionLifecycle LIFECYCLE = STORES.lifecycle(GATE, user -> { }, false);
    /** As a rolling upgrade from an older release runs ({@code REFRESH_TOKEN_FORMAT=v1}). */
    static final SessionLifecycle OLD_KIND = STORES.lifecycle(GATE, user -> { }, true);
    static final Duration GRACE = Duration.ofSeconds(30);
    static final AccessTokens ACCESS_TOKENS = accessTokens();
    static final RefreshRotation ROTATION = rotation(LIFECYCLE);
    static final RefreshRotation OLD_KIND_ROTATION = rotation(OLD_KIND);

    private static RefreshRotation rotation(SessionLifecycle lifecycle) {
        return new RefreshRotation(STORES.jdbi(), ACCESS_TOKENS, STORES.refreshTokens(), new SuccessorSeal(new SecureRandom()),
                lifecycle, CLOCK, Duration.ofDays(30), GRACE, AuthMetrics.unexported(), dev.oauthapi.appcheck.AppCheckGate.off(),
                dev.oauthapi.dpop.DpopBinding.off());
    }

    @AfterAll
    static void close() {
        STORES.close();
    }

    private static AccessTokens accessTokens() {
        try {
            final Path keys = Files.createTempDirectory("refresh-rotation-keys");
            new SigningKeyFiles(keys).generate(CLOCK, new SecureRandom());
            return new AccessTokens(SigningKeys.load(keys), "https://issuer.example", "api", Duration.ofMinutes(15), CLOCK);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A user signed in once: the session's first refresh token. */
    private static SessionLifecycle.Started signedIn() {
        return signedIn(LIFECYCLE);
    }

    private static SessionLifecycle.Started signedIn(SessionLifecycle lifecycle) {
        final UUID user = UUID.randomUUID();
        DB.execute("INSERT INTO users (id, role, created_at, updated_at) VALUES (?::uuid, 'user', now(), now())",
                user.toString());
        return lifecycle.inTransaction(tx -> tx.start(new SessionLifecycle.NewSession(user, "google", "app", "ios",
                "iPhone", "1.0", "192.0.2.1", "test", null)));
    }

    private static ErrorCode refused(String token) {
        try {
            ROTATION.refresh(token, null, null, DpopBinding.Presented.NONE);
        } catch (ApiException e) {
            return e.code();
        }
        throw new AssertionError("refreshed");
    }

    private static Object revokedReason(SessionLifecycle.Started started) {
        return DB.one("SELECT revoked_reason FROM sessions WHERE id = ?::uuid", started.session().id().toString())
                .get("revoked_reason");
    }

    @Test
    void theCurrentTokenRotatesAndMovesTheIdleExpiry() {
        final SessionLifecycle.Started started = signedIn();
        CLOCK.advance(Duration.ofHours(1));

        final RefreshRotation.Refreshed refreshed = ROTATION.refresh(started.refreshToken(), null, null, DpopBinding.Presented.NONE);

        assertThat(refreshed.sessionId()).isEqualTo(started.session().id());
        assertThat(refreshed.refreshToken()).isNotEqualTo(started.refreshToken());
        assertThat(refreshed.accessToken().token()).isNotBlank();
        assertThat(refreshed.refreshExpiresAt()).isAfter(started.session().expiresAt());
        assertThat(ROTATION.refresh(refreshed.refreshToken(), null, null, DpopBinding.Presented.NONE).sessionId()).isEqualTo(started.session().id());
    }

    @Test
    void thePredecessorWithinTheGraceGetsTheSameSuccessor() {
        final SessionLifecycle.Started started = signedIn();
        final RefreshRotation.Refreshed first = ROTATION.refresh(started.refreshToken(), null, null, DpopBinding.Presented.NONE);
        CLOCK.advance(GRACE.minusSeconds(1));

        final RefreshRotation.Refreshed retried = ROTATION.refresh(started.refreshToken(), null, null, DpopBinding.Presented.NONE);

        assertThat(retried.refreshToken()).isEqualTo(first.refreshToken());
        assertThat(DB.one("SELECT revoked_at FROM sessions WHERE id = ?::uuid", started.session().id().toString()))
                .containsEntry("revoked_at", null);
    }

    @Test
    void anOlderTokenIsReuseAndEndsTheSession() {
        final SessionLifecycle.Started started = signedIn();
        final RefreshRotation.Refreshed next = ROTATION.refresh(started.refreshToken(), null, null, DpopBinding.Presented.NONE);
        CLOCK.advance(GRACE.plusSeconds(1));

        assertThat(refused(started.refreshToken())).isEqualTo(ErrorCode.REFRESH_TOKEN_REUSED);

        final String session = started.session().id().toString();
        assertThat(DB.one("SELECT revoked_reason FROM sessions WHERE id = ?::uuid", session))
                .containsEntry("revoked_reason", "refresh_token_reused");
        assertThat(DB.one("SELECT count(*) AS n FROM audit_log WHERE session_id = ?::uuid AND event = 'refresh_token_reused'",
                session)).containsEntry("n", 1L);
        assertThat(refused(next.refreshToken())).as("the thief's copy is dead too").isEqualTo(ErrorCode.SESSION_REVOKED);
    }

    @Test
    void anUnknownAnEndedOrAnExpiredSessionRefreshesNothing() {
        assertThat(refused("not-a-token")).isEqualTo(ErrorCode.INVALID_REFRESH_TOKEN);
        assertThat(refused("x".repeat(300))).isEqualTo(ErrorCode.INVALID_REFRESH_TOKEN);

        final SessionLifecycle.Started ended = signedIn();
        LIFECYCLE.inTransaction(tx -> tx.end(ended.session().userId(), ended.session().id(), "logout"));
        assertThat(refused(ended.refreshToken())).isEqualTo(ErrorCode.SESSION_REVOKED);

        final SessionLifecycle.Started idle = signedIn();
        CLOCK.advance(Duration.ofDays(31));
        assertThat(refused(idle.refreshToken())).isEqualTo(ErrorCode.SESSION_EXPIRED);
        assertThat(DB.one("SELECT refresh_generation, refreshed_at FROM sessions WHERE id = ?::uuid",
                idle.session().id().toString())).as("a refused refresh writes nothing")
                .containsEntry("refresh_generation", 0).containsEntry("refreshed_at", null);
    }

    @Test
    void aDisabledUserRefreshesNothing() {
        final SessionLifecycle.Started started = signedIn();
        DB.execute("UPDATE users SET disabled_at = now() WHERE id = ?::uuid", started.session().userId().toString());

        assertThat(refused(started.refreshToken())).isEqualTo(ErrorCode.ACCOUNT_DISABLED);
    }

    @Test
    void aTokenNamesItsSessionAndOnlyItsMacMakesItOurs() {
        final SessionLifecycle.Started started = signedIn();
        final String token = started.refreshToken();
        final byte[] bytes = Base64.getUrlDecoder().decode(token);

        // Knowing the session id (it is public) is not enough: a token of an earlier generation,
        // made up with the right id, is unknown, and the session lives on.
        final byte[] forged = bytes.clone();
        java.nio.ByteBuffer.wrap(forged).putInt(16, 0);
        forged[30] ^= 1; // another secret, the MAC of the old one
        final byte[] anotherSession = bytes.clone();
        anotherSession[0] ^= 1;
        for (byte[] attempt : new byte[][] {forged, anotherSession}) {
            assertThat(refused(Base64.getUrlEncoder().withoutPadding().encodeToString(attempt)))
                    .isEqualTo(ErrorCode.INVALID_REFRESH_TOKEN);
        }
        assertThat(refused(token.substring(0, 90) + (token.endsWith("A") ? "B" : "A"))).isEqualTo(ErrorCode.INVALID_REFRESH_TOKEN);

        assertThat(token).hasSize(91);
        assertThat(revokedReason(started)).isNull();
        assertThat(DB.one("SELECT count(*) AS n FROM audit_log WHERE session_id = ?::uuid", started.session().id().toString()))
                .containsEntry("n", 0L);
        assertThat(ROTATION.refresh(token, null, null, DpopBinding.Presented.NONE).sessionId()).as("the real one still works").isEqualTo(started.session().id());
    }

    @Test
    void aTokenOfAnOlderReleaseKeepsWorkingAndHandsItsSessionOver() {
        final SessionLifecycle.Started started = signedIn(OLD_KIND);
        assertThat(started.refreshToken()).hasSize(43);

        final RefreshRotation.Refreshed moved = ROTATION.refresh(started.refreshToken(), null, null, DpopBinding.Presented.NONE);
        final RefreshRotation.Refreshed retried = ROTATION.refresh(started.refreshToken(), null, null, DpopBinding.Presented.NONE);
        final RefreshRotation.Refreshed next = ROTATION.refresh(moved.refreshToken(), null, null, DpopBinding.Presented.NONE);

        assertThat(moved.refreshToken()).as("now a token that names its session").hasSize(91);
        assertThat(retried.refreshToken()).as("the grace rule, across the two kinds").isEqualTo(moved.refreshToken());
        assertThat(next.sessionId()).isEqualTo(started.session().id());
        assertThat(DB.one("SELECT count(*) AS n FROM refresh_tokens WHERE session_id = ?::uuid",
                started.session().id().toString())).as("no token row after the first").containsEntry("n", 1L);

        CLOCK.advance(GRACE.plusSeconds(1));
        assertThat(refused(started.refreshToken())).isEqualTo(ErrorCode.REFRESH_TOKEN_REUSED);
        assertThat(revokedReason(started)).isEqualTo("refresh_token_reused");
    }

    @Test
    void whileTheOldKindIsIssuedAnOlderReleaseCanRefreshEveryToken() {
        final SessionLifecycle.Started started = signedIn(OLD_KIND);

        final RefreshRotation.Refreshed refreshed = OLD_KIND_ROTATION.refresh(started.refreshToken(), null, null, DpopBinding.Presented.NONE);

        assertThat(refreshed.refreshToken()).hasSize(43);
        assertThat(DB.one("SELECT count(*) AS n FROM refresh_tokens WHERE session_id = ?::uuid",
                started.session().id().toString())).as("each token a row, as older releases find them")
                .containsEntry("n", 2L);
        CLOCK.advance(GRACE.plusSeconds(1));
        assertThat(OLD_KIND_ROTATION.refresh(refreshed.refreshToken(), null, null, DpopBinding.Presented.NONE).refreshToken()).hasSize(43);
        assertThat(refused(started.refreshToken())).isEqualTo(ErrorCode.REFRESH_TOKEN_REUSED);
    }
}
