package dev.oauthapi.sessions;

import dev.oauthapi.OAuthApiApplication;
import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.MutableClock;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Staying signed in and signing out: refresh rotation with grace and reuse detection, expiry on an
 * injected clock, logout scopes, the device list, account deletion, and the purge job.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SessionEndpointsTest {
    static final String CLIENT = "com.example.app";
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final MutableClock CLOCK = MutableClock.startingNow();
    static final Map<String, String> ENV = TestEnvironment.withProviders(GOOGLE, "unused", APPLE, CLIENT);
    static final DropwizardAppExtension<OAuthApiConfiguration> APP =
            TestApp.extension(ENV, environment -> new OAuthApiApplication(environment, CLOCK));
    static final TestDatabase DB = new TestDatabase(ENV);

    @AfterAll
    static void stopProviders() {
        APPLE.close();
        GOOGLE.close();
    }

    private static TestHttp http() {
        return new TestHttp(APP.getLocalPort());
    }

    /** A session of a given Apple user: its access and refresh tokens and ids. */
    record Session(String userId, String sessionId, String accessToken, String refreshToken) {
    }

    private static Session signIn(String subject) {
        final Answer answer = http().post("/api/auth/apple", Map.of(
                "identityToken", APPLE.token(CLIENT, subject).at(CLOCK.instant()).claim("jti", UUID.randomUUID().toString()).build(),
                "device", Map.of("platform", "ios", "name", "phone " + UUID.randomUUID())));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        final String access = answer.json().path("tokens").path("accessToken").asText();
        return new Session(answer.json().path("user").path("id").asText(), sessionIdOf(access), access,
                answer.json().path("tokens").path("refreshToken").asText());
    }

    private static Session newUser() {
        return signIn("001." + UUID.randomUUID());
    }

    private static String sessionIdOf(String accessToken) {
        final String payload = new String(java.util.Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]));
        return payload.replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
    }

    private static Answer refresh(String refreshToken) {
        return http().post("/api/auth/refresh", Map.of("refreshToken", refreshToken));
    }

    private static Answer me(String accessToken) {
        return http().get("/api/users/me", accessToken);
    }

    // --- Rotation ---

    @Test
    void everyRefreshRotatesTheRefreshTokenAndGivesAWorkingAccessToken() {
        final Session session = newUser();

        final Answer first = refresh(session.refreshToken());

        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        final String rotated = first.json().path("refreshToken").asText();
        assertThat(rotated).isNotEqualTo(session.refreshToken()).matches("[A-Za-z0-9_-]{91}");
        assertThat(first.json().path("tokenType").asText()).isEqualTo("Bearer");
        assertThat(first.json().path("expiresIn").asLong()).isEqualTo(900);
        assertThat(me(first.json().path("accessToken").asText()).status()).isEqualTo(200);
        assertThat(refresh(rotated).status()).isEqualTo(200);
        assertThat(DB.one("SELECT refresh_generation AS g FROM sessions WHERE id = ?::uuid",
                session.sessionId()).get("g")).isEqualTo(2);
    }

    @Test
    void aRetriedRefreshWithinTheGraceGetsTheSameCurrentToken() {
        final Session session = newUser();
        final String current = refresh(session.refreshToken()).json().path("refreshToken").asText();

        CLOCK.advance(Duration.ofSeconds(20));
        final Answer retried = refresh(session.refreshToken());

        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.json().path("refreshToken").asText()).isEqualTo(current);
        assertThat(me(retried.json().path("accessToken").asText()).status()).isEqualTo(200);
    }

    @Test
    void twentyConcurrentRefreshesWithOneTokenAllSucceedWithTheSameNewToken() throws Exception {
        final Session session = newUser();
        final List<Callable<Answer>> refreshes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            refreshes.add(() -> refresh(session.refreshToken()));
        }
        final ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            final List<Answer> answers = new ArrayList<>();
            for (Future<Answer> answer : pool.invokeAll(refreshes)) {
                answers.add(answer.get());
            }

            assertThat(answers).allSatisfy(answer -> assertThat(answer.status()).as(answer.toString()).isEqualTo(200));
            assertThat(answers.stream().map(answer -> answer.json().path("refreshToken").asText()).distinct()).hasSize(1);
            assertThat(DB.one("SELECT refresh_generation FROM sessions WHERE id = ?::uuid",
                    session.sessionId()).get("refresh_generation")).as("one rotation").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void reuseAfterTheGraceRevokesTheSessionAndItsAccessTokens() {
        final Session session = newUser();
        final Answer rotated = refresh(session.refreshToken());
        final String currentAccess = rotated.json().path("accessToken").asText();
        CLOCK.advance(Duration.ofSeconds(31));

        final Answer reuse = refresh(session.refreshToken());

        assertThat(reuse.status()).isEqualTo(401);
        assertThat(reuse.code()).isEqualTo("refresh_token_reused");
        assertThat(me(currentAccess).status()).as("its access tokens stop at once").isEqualTo(401);
        assertThat(me(session.accessToken()).status()).isEqualTo(401);
        final Answer current = refresh(rotated.json().path("refreshToken").asText());
        assertThat(current.code()).isEqualTo("session_revoked");
        assertThat(DB.one("SELECT revoked_reason FROM sessions WHERE id = ?::uuid", session.sessionId())
                .get("revoked_reason")).isEqualTo("refresh_token_reused");
        assertThat(DB.rows("SELECT 1 FROM audit_log WHERE event = 'refresh_token_reused' AND session_id = ?::uuid",
                session.sessionId())).hasSize(1);
    }

    @Test
    void anOlderTokenThanThePredecessorIsReuseEvenWithinTheGrace() {
        final Session session = newUser();
        final String second = refresh(session.refreshToken()).json().path("refreshToken").asText();
        refresh(second);

        final Answer reuse = refresh(session.refreshToken());

        assertThat(reuse.code()).isEqualTo("refresh_token_reused");
    }

    @Test
    void anUnknownRefreshTokenIsRefused() {
        final Answer answer = refresh("A".repeat(43));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.code()).isEqualTo("invalid_refresh_token");
        assertThat(http().post("/api/auth/refresh", Map.of()).code()).isEqualTo("invalid_request");
    }

    // --- Expiry ---

    @Test
    void aSessionIdleLongerThanTheRefreshLifetimeExpires() {
        final Session session = newUser();

        CLOCK.advance(Duration.ofDays(30).plusSeconds(1));
        final Answer answer = refresh(session.refreshToken());

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.code()).isEqualTo("session_expired");
        // Nothing of the refused rotation is left: the token is still the current one, never replaced.
        assertThat(DB.one("SELECT refresh_generation, refreshed_at FROM sessions WHERE id = ?::uuid", session.sessionId()))
                .containsEntry("refresh_generation", 0).containsEntry("refreshed_at", null);
    }

    @Test
    void refreshesRenewTheIdleLifetimeButNeverPastTheAbsoluteOne() {
        final Session session = newUser();
        String token = session.refreshToken();
        for (int month = 1; month <= 6; month++) {
            CLOCK.advance(Duration.ofDays(29));
            final Answer answer = refresh(token);
            assertThat(answer.status()).as("after %d x 29 days: %s", month, answer).isEqualTo(200);
            assertThat(answer.json().path("refreshExpiresIn").asLong())
                    .isLessThanOrEqualTo(Duration.ofDays(180 - 29L * month).toSeconds());
            token = answer.json().path("refreshToken").asText();
        }

        CLOCK.advance(Duration.ofDays(7));
        final Answer expired = refresh(token);

        assertThat(expired.code()).isEqualTo("session_expired");
    }

    @Test
    void aSessionPastItsIdleExpiryIsRefusedOnTheNextRequestNotOnlyAtRefresh() {
        final Session session = newUser();
        // An idle expiry already passed (set by an earlier, shorter REFRESH_TOKEN_TTL, say) while
        // an access token of the session is still within its own lifetime.
        DB.execute("UPDATE sessions SET expires_at = ? WHERE id = ?::uuid",
                java.sql.Timestamp.from(CLOCK.instant().minusSeconds(1)), session.sessionId());

        final Answer answer = me(session.accessToken());

        assertThat(answer.status()).as(answer.toString()).isEqualTo(401);
        assertThat(answer.code()).isEqualTo("invalid_token");
    }

    // --- Logout and the device list ---

    @Test
    void logoutEndsOnlyTheCurrentSessionByDefault() {
        final String subject = "001." + UUID.randomUUID();
        final Session phone = signIn(subject);
        final Session tablet = signIn(subject);

        final Answer logout = http().send(http().request("/api/auth/logout", phone.accessToken())
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));

        assertThat(logout.status()).isEqualTo(204);
        assertThat(me(phone.accessToken()).status()).isEqualTo(401);
        assertThat(refresh(phone.refreshToken()).code()).isEqualTo("session_revoked");
        assertThat(me(tablet.accessToken()).status()).isEqualTo(200);
        assertThat(DB.rows("SELECT 1 FROM audit_log WHERE event = 'logout' AND session_id = ?::uuid",
                phone.sessionId())).hasSize(1);
    }

    @Test
    void logoutOthersKeepsTheCurrentSession() {
        final String subject = "001." + UUID.randomUUID();
        final Session phone = signIn(subject);
        final Session tablet = signIn(subject);
        final Session laptop = signIn(subject);

        assertThat(http().post("/api/auth/logout", Map.of("scope", "others"), phone.accessToken()).status()).isEqualTo(204);

        assertThat(me(phone.accessToken()).status()).isEqualTo(200);
        assertThat(me(tablet.accessToken()).status()).isEqualTo(401);
        assertThat(me(laptop.accessToken()).status()).isEqualTo(401);
    }

    @Test
    void logoutAllEndsEverySession() {
        final String subject = "001." + UUID.randomUUID();
        final Session phone = signIn(subject);
        final Session tablet = signIn(subject);

        assertThat(http().post("/api/auth/logout", Map.of("scope", "all"), phone.accessToken()).status()).isEqualTo(204);

        assertThat(me(phone.accessToken()).status()).isEqualTo(401);
        assertThat(me(tablet.accessToken()).status()).isEqualTo(401);
        assertThat(http().post("/api/auth/logout", Map.of("scope", "everything"), signIn(subject).accessToken()).code())
                .isEqualTo("invalid_request");
    }

    @Test
    void theDeviceListShowsLiveSessionsNewestFirstAndMarksTheCurrentOne() {
        final String subject = "001." + UUID.randomUUID();
        final Session older = signIn(subject);
        CLOCK.advance(Duration.ofSeconds(5));
        final Session newer = signIn(subject);
        final Session ended = signIn(subject);
        http().delete("/api/auth/sessions/" + ended.sessionId(), newer.accessToken());

        final Answer list = http().get("/api/auth/sessions", older.accessToken());

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().path("sessions").findValuesAsText("id")).containsExactly(newer.sessionId(), older.sessionId());
        final var first = list.json().path("sessions").get(0);
        assertThat(first.path("current").asBoolean()).isFalse();
        assertThat(list.json().path("sessions").get(1).path("current").asBoolean()).isTrue();
        assertThat(first.path("provider").asText()).isEqualTo("apple");
        assertThat(first.path("platform").asText()).isEqualTo("ios");
        assertThat(first.path("deviceName").asText()).startsWith("phone ");
        assertThat(first.path("ipAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(first.path("createdAt").asText()).endsWith("Z");
        assertThat(first.has("lastUsedAt") && first.has("expiresAt") && first.has("userAgent")).isTrue();
    }

    @Test
    void deletingASessionEndsItAndAnotherUsersSessionIsNotFound() {
        final Session mine = newUser();
        final Session myOther = signIn(DB.one("SELECT subject FROM identities WHERE user_id = ?::uuid", mine.userId())
                .get("subject").toString());
        final Session theirs = newUser();

        assertThat(http().delete("/api/auth/sessions/" + theirs.sessionId(), mine.accessToken()).code()).isEqualTo("not_found");
        assertThat(http().delete("/api/auth/sessions/" + UUID.randomUUID(), mine.accessToken()).code()).isEqualTo("not_found");
        assertThat(http().delete("/api/auth/sessions/not-a-uuid", mine.accessToken()).code()).isEqualTo("not_found");
        assertThat(me(theirs.accessToken()).status()).isEqualTo(200);

        assertThat(http().delete("/api/auth/sessions/" + myOther.sessionId(), mine.accessToken()).status()).isEqualTo(204);
        assertThat(me(myOther.accessToken()).status()).isEqualTo(401);
        assertThat(DB.rows("SELECT 1 FROM audit_log WHERE event = 'session_revoked' AND session_id = ?::uuid",
                myOther.sessionId())).hasSize(1);
    }

    // --- Disabling a user (operators) ---

    @Test
    void disablingAUserEndsItsSessionsAtOnceAndEnablingLetsItSignInAgain() {
        final String subject = "001." + UUID.randomUUID();
        final Session session = signIn(subject);
        assertThat(me(session.accessToken()).status()).isEqualTo(200); // now cached as live in Redis

        final TestApp.CommandResult disabled = TestApp.run(ENV, "users", "disable", "--id", session.userId(), TestApp.CONFIG);

        assertThat(disabled.succeeded()).as(disabled.stderr()).isTrue();
        assertThat(me(session.accessToken()).status()).isEqualTo(401);
        assertThat(refresh(session.refreshToken()).status()).isEqualTo(401);
        assertThat(DB.one("SELECT refresh_generation, refreshed_at FROM sessions WHERE id = ?::uuid", session.sessionId()))
                .as("a refused refresh rotates nothing")
                .containsEntry("refresh_generation", 0).containsEntry("refreshed_at", null);
        final Answer signInAgain = http().post("/api/auth/apple", Map.of("identityToken",
                APPLE.token(CLIENT, subject).at(CLOCK.instant()).claim("jti", UUID.randomUUID().toString()).build()));
        assertThat(signInAgain.code()).isEqualTo("account_disabled");

        assertThat(TestApp.run(ENV, "users", "enable", "--id", session.userId(), TestApp.CONFIG).succeeded()).isTrue();
        assertThat(signIn(subject).userId()).isEqualTo(session.userId());
        assertThat(TestApp.run(ENV, "users", "disable", "--id", UUID.randomUUID().toString(), TestApp.CONFIG)
                .error()).hasValueSatisfying(error -> assertThat(dev.oauthapi.cli.CommandExit.codeOf(error)).isEqualTo(1));
    }

    // --- Account deletion ---

    @Test
    void deletingTheAccountRemovesEverythingAndStopsEveryToken() {
        final Session session = newUser();
        final Session second = signIn(DB.one("SELECT subject FROM identities WHERE user_id = ?::uuid", session.userId())
                .get("subject").toString());

        final Answer deleted = http().delete("/api/profile", session.accessToken());

        assertThat(deleted.status()).isEqualTo(204);
        assertThat(me(session.accessToken()).status()).isEqualTo(401);
        assertThat(me(second.accessToken()).status()).isEqualTo(401);
        assertThat(refresh(second.refreshToken()).code()).isEqualTo("invalid_refresh_token");
        for (String table : List.of("users WHERE id", "identities WHERE user_id", "sessions WHERE user_id")) {
            assertThat(DB.rows("SELECT 1 FROM " + table + " = ?::uuid", session.userId())).as(table).isEmpty();
        }
        assertThat(DB.rows("SELECT 1 FROM audit_log WHERE event = 'account_deleted' AND user_id = ?::uuid",
                session.userId())).hasSize(1);
    }

    // --- Purge ---

    @Test
    void endedSessionsArePurgedAfterADay() {
        final Session ended = newUser();
        final Session live = newUser();
        http().post("/api/auth/logout", Map.of(), ended.accessToken());
        final var purge = new dev.oauthapi.sessions.SessionPurge(
                org.jdbi.v3.core.Jdbi.create(dev.oauthapi.testing.TestPostgres.shared().jdbcUrl(ENV.get("DATABASE_NAME")),
                        ENV.get("DATABASE_USERNAME"), ENV.get("DATABASE_PASSWORD")).installPlugin(
                        new org.jdbi.v3.sqlobject.SqlObjectPlugin()), CLOCK, Duration.ofDays(30));

        purge.purge();
        assertThat(DB.rows("SELECT 1 FROM sessions WHERE id = ?::uuid", ended.sessionId())).as("kept a day").hasSize(1);

        CLOCK.advance(Duration.ofDays(1).plusMinutes(1));
        purge.purge();

        assertThat(DB.rows("SELECT 1 FROM sessions WHERE id = ?::uuid", ended.sessionId())).isEmpty();
        assertThat(DB.rows("SELECT 1 FROM refresh_tokens WHERE session_id = ?::uuid", ended.sessionId())).isEmpty();
        assertThat(DB.rows("SELECT 1 FROM sessions WHERE id = ?::uuid", live.sessionId())).hasSize(1);
    }
}
