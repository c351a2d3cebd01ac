package dev.oauthapi.sessions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.OAuthApiApplication;
import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.RoundTrips;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestDpop;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.jdbi.v3.core.statement.SqlLogger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpRequest;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The round-trip budget of the hot paths, counted per request (SQL statements through JDBI's
 * statement hook, Redis round trips at the one place the service calls Redis), not timed. Each
 * budget is exact, so one more statement or Redis call fails its test; raise one only with a
 * benchmark run that shows the path still meets its target (README, "Performance"). App
 * attestation is enforced here, and every sign-in and refresh carries an app token: checking it is a
 * signature check, no round trip.
 *
 * <table>
 *   <tr><th>path</th><th>PostgreSQL</th><th>Redis</th></tr>
 *   <tr><td>authenticated request, session known to Redis</td><td>its own work only</td>
 *       <td>1: session liveness and the per-user rate limit, one script</td></tr>
 *   <tr><td>the same, session not in Redis (at most once per session per 10 s)</td>
 *       <td>+1: the session's liveness</td><td>+1: caching the answer</td></tr>
 *   <tr><td>{@code GET /api/users/me}</td><td>none while this instance has the profile under the
 *       user's current version, else 1: the user with its identities</td><td>1</td></tr>
 *   <tr><td>{@code GET /api/auth/sessions}</td><td>1: the live sessions</td><td>1</td></tr>
 *   <tr><td>{@code POST /api/auth/refresh}</td><td>1: the rotation, one UPDATE of the session row
 *       found by its key (a HOT update)</td><td>1: the per-address rate limit</td></tr>
 *   <tr><td>the same, any other case (the grace answer, reuse, an ended session)</td><td>+1: the
 *       session locked with its refresh state and user (+2 for what it decides: a reuse revokes and
 *       audits)</td><td>1</td></tr>
 *   <tr><td>the same, a token we did not issue</td><td>none: its MAC fails first</td><td>1</td></tr>
 *   <tr><td>sign-in, existing user</td><td>1: the identity with its user and profile, the
 *       sign-in record, the session with its refresh token and the audit row, one statement (+1 to
 *       fill an empty profile, +1 to read it again, when the sign-in changed it)</td>
 *       <td>2: rate limit, single use of the provider token and of the nonce (one script)</td></tr>
 *   <tr><td>refresh of a DPoP-bound session, with its proof</td><td>1: the same UPDATE, which
 *       also tests the key</td><td>2: the rate limit, and the proof's {@code jti} marked used</td></tr>
 *   <tr><td>sign-in with a DPoP proof</td><td>as without</td><td>3: +1, the proof's {@code jti}</td></tr>
 *   <tr><td>sign-in, new user with a verified Gmail address</td><td>4 in one transaction: the
 *       one-statement attempt (no identity), e-mail lock, users with that address, then the user,
 *       its identity, the session and the audit row in one statement</td>
 *       <td>2</td></tr>
 * </table>
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class RoundTripBudgetTest {
    static final String CLIENT = "budget.apps.googleusercontent.com";
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final RoundTrips ROUND_TRIPS = new RoundTrips();
    static final String DEBUG_TOKEN = "budget-debug-token-0123456789abcdef0123";
    static final Map<String, String> ENV = env();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV,
            environment -> new OAuthApiApplication(environment) {
                @Override
                protected SqlLogger sqlStatements() {
                    return ROUND_TRIPS.sqlLogger();
                }

                @Override
                protected Runnable redisRoundTrips() {
                    return ROUND_TRIPS::redisRoundTrip;
                }
            });
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String appToken;

    /** App attestation enforced: every budget below includes checking the request's app token. */
    private static Map<String, String> env() {
        final Map<String, String> env = TestEnvironment.withProviders(GOOGLE, CLIENT, APPLE, "unused");
        env.put("APP_CHECK_MODE", "enforce");
        env.put("APP_CHECK_DEBUG_TOKENS", "budget=" + DEBUG_TOKEN);
        return env;
    }

    /** The app token every sign-in and refresh sends; checking it costs no round trip. */
    private static synchronized String appToken() {
        if (appToken == null) {
            final Answer answer = new TestHttp(APP.getLocalPort()).post("/api/app-check/debug",
                    Map.of("debugToken", DEBUG_TOKEN));
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            appToken = answer.json().path("appToken").asText();
        }
        return appToken;
    }

    @AfterAll
    static void stopProviders() {
        GOOGLE.close();
        APPLE.close();
    }

    @Test
    void anAuthenticatedReadIsOneRedisRoundTripAndAtMostOneStatement() {
        final String access = signIn(newSubject(), null).json().path("tokens").path("accessToken").asText();
        // The sign-in cached nothing about the session: the first request asks PostgreSQL once.
        final RoundTrips.Counts first = get("/api/users/me", access);
        assertThat(first.statements()).as(first.toString()).hasSize(2);
        assertThat(first.statements().getFirst()).contains("FROM sessions s JOIN users u");
        assertThat(first.redisRoundTrips()).as(first.toString()).isEqualTo(2);

        assertThat(first.statements().get(1)).contains("FROM users u LEFT JOIN identities i");

        // The profile is cached now, under the user's version that the session check reads.
        final RoundTrips.Counts me = get("/api/users/me", access);
        assertThat(me.statements()).as(me.toString()).isEmpty();
        assertThat(me.redisRoundTrips()).as(me.toString()).isEqualTo(1);

        // A change replaces the version: the next read asks PostgreSQL for the profile, and for the
        // session too (its cached answer, which carries the role, is bound to the version), once.
        assertThat(new TestHttp(APP.getLocalPort()).patch("/api/profile", Map.of("name", "Budget"), access).status())
                .isEqualTo(200);
        final RoundTrips.Counts changed = get("/api/users/me", access);
        assertThat(changed.statements()).as(changed.toString()).hasSize(2);
        assertThat(changed.statements().get(1)).contains("FROM users u LEFT JOIN identities i");
        assertThat(changed.redisRoundTrips()).as(changed.toString()).isEqualTo(2);
        final RoundTrips.Counts again = get("/api/users/me", access);
        assertThat(again.statements()).as(again.toString()).isEmpty();
        assertThat(again.redisRoundTrips()).as(again.toString()).isEqualTo(1);

        final RoundTrips.Counts sessions = get("/api/auth/sessions", access);
        assertThat(sessions.statements()).as(sessions.toString()).hasSize(1);
        assertThat(sessions.redisRoundTrips()).as(sessions.toString()).isEqualTo(1);
    }

    @Test
    void aRefreshIsOneStatementAndOneRedisRoundTrip() {
        String refresh = signIn(newSubject(), null).json().path("tokens").path("refreshToken").asText();
        String predecessor = null;
        for (int i = 0; i < 2; i++) { // the first rotation, and one of a rotated token
            final String id = requestId();
            final Answer answer = refresh(refresh, id);
            predecessor = refresh;
            refresh = answer.json().path("refreshToken").asText();
            final RoundTrips.Counts counts = ROUND_TRIPS.of(id);
            assertThat(counts.statements()).as(counts.toString()).hasSize(1);
            assertThat(counts.statements().getFirst()).contains("UPDATE sessions s");
            assertThat(counts.redisRoundTrips()).as(counts.toString()).isEqualTo(1);
        }

        // The predecessor within the grace period: the one statement finds nothing, then the lock.
        final String graceId = requestId();
        assertThat(refresh(predecessor, graceId).json().path("refreshToken").asText()).isEqualTo(refresh);
        final RoundTrips.Counts grace = ROUND_TRIPS.of(graceId);
        assertThat(grace.statements()).as(grace.toString()).hasSize(2);
        assertThat(grace.statements().get(1)).contains("FOR UPDATE OF s");
        assertThat(grace.redisRoundTrips()).as(grace.toString()).isEqualTo(1);

        // A token we did not issue costs no statement: its MAC fails first.
        final String forgedId = requestId();
        final Answer forged = new TestHttp(APP.getLocalPort()).send(post("/api/auth/refresh",
                Map.of("refreshToken", refresh.substring(0, 60) + (refresh.charAt(60) == 'A' ? 'B' : 'A')
                        + refresh.substring(61)), forgedId));
        assertThat(forged.code()).isEqualTo("invalid_refresh_token");
        assertThat(ROUND_TRIPS.of(forgedId).statements()).isEmpty();
    }

    @Test
    void aSignInOfAnExistingUserIsOneStatementAndTwoRedisRoundTrips() {
        final String subject = newSubject();
        assertThat(signIn(subject, null).json().path("isNewUser").asBoolean()).isTrue();
        final String id = requestId();
        final Answer again = signIn(subject, id);
        assertThat(again.json().path("isNewUser").asBoolean()).isFalse();
        assertThat(again.json().path("user").path("identities")).hasSize(1);
        final RoundTrips.Counts counts = ROUND_TRIPS.of(id);
        assertThat(counts.statements()).as(counts.toString()).hasSize(1);
        assertThat(counts.statements().getFirst()).contains("INSERT INTO sessions").contains("INSERT INTO audit_log");
        assertThat(counts.redisRoundTrips()).as(counts.toString()).isEqualTo(2);
    }

    @Test
    void aSignInWithANonceIsStillTwoRedisRoundTrips() {
        final String subject = newSubject();
        signIn(subject, null);
        final String nonce = new TestHttp(APP.getLocalPort()).post("/api/auth/nonce", Map.of()).json().path("nonce").asText();
        final String token = GOOGLE.token(CLIENT, subject).email(subject + "@gmail.com", true)
                .claim("nonce", nonce).claim("jti", UUID.randomUUID().toString()).build();
        final String id = requestId();

        final Answer answer = new TestHttp(APP.getLocalPort()).send(post("/api/auth/google",
                Map.of("idToken", token, "nonce", nonce), id));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        final RoundTrips.Counts counts = ROUND_TRIPS.of(id);
        assertThat(counts.redisRoundTrips()).as("the rate limit, then the token and the nonce in one script: " + counts)
                .isEqualTo(2);
    }

    @Test
    void aSignInOfANewUserIsFourStatementsAndTwoRedisRoundTrips() {
        final String id = requestId();
        final Answer answer = signIn(newSubject(), id);
        assertThat(answer.json().path("isNewUser").asBoolean()).isTrue();
        assertThat(answer.json().path("user").path("identities")).hasSize(1);
        final RoundTrips.Counts counts = ROUND_TRIPS.of(id);
        assertThat(counts.statements()).as(counts.toString()).hasSize(4);
        assertThat(counts.statements().getLast()).contains("INSERT INTO users").contains("INSERT INTO identities")
                .contains("INSERT INTO sessions").contains("INSERT INTO audit_log");
        assertThat(counts.redisRoundTrips()).as(counts.toString()).isEqualTo(2);
    }

    @Test
    void aDpopBoundRefreshIsStillOneStatementAndOneMoreRedisWrite() {
        final java.security.KeyPair key = TestDpop.key();
        final String base = TestEnvironment.ISSUER;
        final String signInId = requestId();
        final String token = GOOGLE.token(CLIENT, newSubject()).claim("jti", UUID.randomUUID().toString()).build();
        final Answer signedIn = new TestHttp(APP.getLocalPort()).send(post("/api/auth/google", Map.of("idToken", token),
                signInId).header("DPoP", TestDpop.proof(key, "POST", base, "/api/auth/google", null, null)));
        assertThat(signedIn.json().path("tokens").path("tokenType").asText()).as(signedIn.toString()).isEqualTo("DPoP");
        assertThat(ROUND_TRIPS.of(signInId).redisRoundTrips()).as("rate limit, jti, token and nonce marks").isEqualTo(3);

        final String id = requestId();
        final Answer refreshed = new TestHttp(APP.getLocalPort()).send(post("/api/auth/refresh",
                Map.of("refreshToken", signedIn.json().path("tokens").path("refreshToken").asText()), id)
                .header("DPoP", TestDpop.proof(key, "POST", base, "/api/auth/refresh", null, null)));
        assertThat(refreshed.json().path("tokenType").asText()).as(refreshed.toString()).isEqualTo("DPoP");
        final RoundTrips.Counts counts = ROUND_TRIPS.of(id);
        assertThat(counts.statements()).as(counts.toString()).hasSize(1);
        assertThat(counts.redisRoundTrips()).as(counts.toString()).isEqualTo(2);
    }

    private static Answer refresh(String refreshToken, String requestId) {
        final Answer answer = new TestHttp(APP.getLocalPort()).send(post("/api/auth/refresh",
                Map.of("refreshToken", refreshToken), requestId));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer;
    }

    private static RoundTrips.Counts get(String path, String bearer) {
        final String id = requestId();
        final TestHttp http = new TestHttp(APP.getLocalPort());
        final Answer answer = http.send(http.request(path, bearer).header("X-Request-Id", id).GET());
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return ROUND_TRIPS.of(id);
    }

    private static Answer signIn(String subject, String requestId) {
        final String token = GOOGLE.token(CLIENT, subject).email(subject + "@gmail.com", true)
                .claim("jti", UUID.randomUUID().toString()).build(); // each token differs: used once
        final Answer answer = new TestHttp(APP.getLocalPort()).send(post("/api/auth/google",
                Map.of("idToken", token, "device", Map.of("platform", "ios")), requestId == null ? requestId() : requestId));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer;
    }

    private static HttpRequest.Builder post(String path, Object body, String requestId) {
        try {
            return new TestHttp(APP.getLocalPort()).request(path, null)
                    .header("X-Request-Id", requestId)
                    .header("X-App-Check", appToken())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String newSubject() {
        return "budget" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    private static String requestId() {
        return "budget-" + UUID.randomUUID();
    }
}
