package dev.oauthapi.http;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import dev.oauthapi.testing.TestRedis;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.Jedis;

import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The defects of the outside review, each refused cleanly now: text PostgreSQL cannot store, tokens
 * in URLs, answers that caches could keep, nonces that filled Redis, per-address buckets an IPv6
 * host could rotate through, unlimited provider events, and a Redis that refuses writes.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class HardeningTest {
    static final String APPLE_APP = "com.example.app";
    static final int AUTH_LIMIT = 40;
    static final int EVENTS_LIMIT = 3;
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final TestRedis REDIS = TestRedis.startPrivate();
    static final Map<String, String> ENV = environment();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);
    static final TestDatabase DB = new TestDatabase(ENV);

    private static Map<String, String> environment() {
        final Map<String, String> env = new HashMap<>(TestEnvironment.withFreshDatabase(REDIS));
        env.put("APPLE_CLIENT_IDS", APPLE_APP);
        env.put("APPLE_JWKS_URL", APPLE.jwksUrl().toString());
        env.put("GOOGLE_CLIENT_IDS", "web.apps.googleusercontent.com");
        env.put("GOOGLE_JWKS_URL", GOOGLE.jwksUrl().toString());
        env.put("AUTH_RATE_LIMIT_PER_MINUTE", Integer.toString(AUTH_LIMIT));
        env.put("EVENTS_RATE_LIMIT_PER_MINUTE", Integer.toString(EVENTS_LIMIT));
        return env;
    }

    @AfterAll
    static void stop() {
        GOOGLE.close();
        APPLE.close();
        REDIS.stop();
    }

    private static TestHttp http() {
        return new TestHttp(APP.getLocalPort());
    }

    /** A client of its own, network-wise (loopback is a trusted proxy): its own rate-limit bucket. */
    private static String someAddress() {
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(1, 255);
    }

    private static Answer postFrom(String forwardedFor, String path, String json) {
        return http().send(http().request(path, null).header("X-Forwarded-For", forwardedFor)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static Answer signIn(Map<String, Object> body) {
        return postFrom(someAddress(), "/api/auth/apple", TestHttp.json(body));
    }

    private static Map<String, Object> appleBody(String subject) {
        final Map<String, Object> body = new HashMap<>();
        body.put("identityToken", APPLE.token(APPLE_APP, subject).claim("jti", UUID.randomUUID().toString()).build());
        return body;
    }

    private static Answer newUser() {
        final Answer answer = signIn(appleBody("001." + UUID.randomUUID()));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer;
    }

    private static String access(Answer signIn) {
        return signIn.json().path("tokens").path("accessToken").asText();
    }

    private static void assertInvalidRequestNaming(Answer answer, String member) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.code()).isEqualTo("invalid_request");
        assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(answer.json().path("detail").asText()).contains("'" + member + "'");
    }

    // --- 2. Text PostgreSQL cannot store ---

    @Test
    void aNulOrAnUnpairedSurrogateInAProfileFieldIsA400NamingItAndChangesNothing() {
        final String token = access(newUser());

        for (String json : List.of("{\"name\": \"\\u0000\"}", "{\"name\": \"Ada\\u0000Lovelace\"}",
                "{\"name\": \"\\ud800\"}", "{\"name\": \"x\\udc00y\"}")) {
            final Answer answer = http().send(http().request("/api/profile", token)
                    .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
            assertInvalidRequestNaming(answer, "name");
        }
        assertThat(http().get("/api/users/me", token).json().path("name").isNull()).isTrue();
    }

    @Test
    void aNulInTheDeviceOrTheAppleNameRefusesTheSignInAndWritesNothing() {
        final Map<String, Long> before = DB.counts();
        final Map<String, Object> device = appleBody("001." + UUID.randomUUID());
        device.put("device", Map.of("platform", "ios", "name", "phone\u0000"));
        final Map<String, Object> version = appleBody("001." + UUID.randomUUID());
        version.put("device", Map.of("platform", "ios", "appVersion", "1.0\u0000"));
        final Map<String, Object> name = appleBody("001." + UUID.randomUUID());
        name.put("fullName", Map.of("givenName", "Ada\u0000"));

        assertInvalidRequestNaming(signIn(device), "device.name");
        assertInvalidRequestNaming(signIn(version), "device.appVersion");
        assertInvalidRequestNaming(signIn(name), "fullName.givenName");
        assertThat(DB.counts()).isEqualTo(before);
    }

    @Test
    void whatAProviderVouchesForIsStoredWithoutWhatPostgresCannotStore() {
        final String subject = "001." + UUID.randomUUID();
        final Map<String, Object> body = new HashMap<>();
        body.put("identityToken", APPLE.token(APPLE_APP, subject).claim("jti", UUID.randomUUID().toString())
                .claim("name", "Ada\u0000 Lovelace").email("ada\u0000@example.com", "true").build());

        final Answer answer = signIn(body);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.json().path("user").path("email").asText()).isEqualTo("ada@example.com");
        assertThat(DB.one("SELECT email FROM identities WHERE subject = ?", subject)).containsEntry("email", "ada@example.com");
    }

    // --- 3. Tokens in URLs ---

    @Test
    void anAccessTokenInTheQueryIsRefusedEvenWithAValidHeader() {
        final String token = access(newUser());

        final Answer queryOnly = http().get("/api/users/me?access_token=" + token, null);
        final Answer both = http().get("/api/users/me?access_token=" + token, token);
        final Answer encoded = http().get("/api/users/me?access%5Ftoken=" + token, token);
        final Answer publicPath = http().get("/health?access_token=x", null);

        for (Answer answer : List.of(queryOnly, both, encoded, publicPath)) {
            assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
            assertThat(answer.code()).isEqualTo("invalid_request");
            assertThat(answer.json().path("detail").asText()).contains("Authorization header");
            assertThat(answer.toString()).doesNotContain(token);
        }
        assertThat(http().get("/api/users/me?other=1", token).status()).isEqualTo(200);
    }

    // --- 4. Nothing with tokens or personal data may be cached ---

    @Test
    void everyAnswerWithTokensOrPersonalDataSaysNoStore() {
        final Answer signIn = newUser();
        final String token = access(signIn);
        final Answer refreshed = postFrom(someAddress(), "/api/auth/refresh",
                "{\"refreshToken\": \"" + signIn.json().path("tokens").path("refreshToken").asText() + "\"}");
        final Answer nonce = postFrom(someAddress(), "/api/auth/nonce", "");

        for (Answer answer : List.of(signIn, refreshed, nonce, http().get("/api/users/me", token),
                http().patch("/api/profile", Map.of("name", "Ada"), token), http().get("/api/auth/sessions", token),
                http().get("/api/users/me", "not-a-token"))) {
            assertThat(answer.status()).as(answer.toString()).isIn(200, 401);
            assertThat(answer.header("Cache-Control")).as(answer.toString()).isEqualTo("no-store");
            assertThat(answer.header("Pragma")).as(answer.toString()).isEqualTo("no-cache");
        }
        assertThat(http().get("/.well-known/jwks.json", null).header("Cache-Control")).isNotEqualTo("no-store");
    }

    // --- 5. Redis that anyone could fill ---

    @Test
    void issuingNoncesStoresNothingAndTheyStillWorkOnce() {
        final String address = someAddress();
        try (Jedis redis = REDIS.client()) {
            postFrom(address, "/api/auth/nonce", ""); // the address's rate counter exists from here on
            final long before = redis.dbSize();

            for (int i = 0; i < 20; i++) {
                assertThat(postFrom(address, "/api/auth/nonce", "").status()).isEqualTo(200);
            }

            assertThat(redis.dbSize()).isEqualTo(before);
        }
        final String nonce = postFrom(someAddress(), "/api/auth/nonce", "").json().path("nonce").asText();
        final Map<String, Object> body = new HashMap<>();
        body.put("identityToken", APPLE.token(APPLE_APP, "001." + UUID.randomUUID()).claim("nonce", nonce).build());
        body.put("nonce", nonce);
        assertThat(signIn(body).status()).isEqualTo(200);
        final Map<String, Object> again = new HashMap<>();
        again.put("identityToken", APPLE.token(APPLE_APP, "001." + UUID.randomUUID()).claim("nonce", nonce).build());
        again.put("nonce", nonce);
        assertThat(signIn(again).code()).isEqualTo("invalid_nonce");
    }

    @Test
    void anIpv6HostCannotEscapeItsRateLimitByRotatingItsSlash64() {
        final String prefix = String.format("2001:db8:%x:%x", ThreadLocalRandom.current().nextInt(0xffff),
                ThreadLocalRandom.current().nextInt(0xffff));

        Answer last = null;
        for (int i = 1; i <= AUTH_LIMIT + 1; i++) {
            last = postFrom(prefix + ":" + Integer.toHexString(i) + "::1", "/api/auth/nonce", "");
        }
        final Answer neighbour = postFrom(prefix.substring(0, prefix.lastIndexOf(':')) + ":ffff::1", "/api/auth/nonce", "");

        assertThat(last.status()).as(last.toString()).isEqualTo(429);
        assertThat(neighbour.status()).as("another /64 has its own bucket").isEqualTo(200);
    }

    @Test
    void redisRefusingWritesIsA503WithRetryAfterNeverA500() {
        final String token = access(newUser());
        try (Jedis redis = REDIS.client()) {
            redis.configSet("maxmemory-policy", "noeviction");
            redis.configSet("maxmemory", "1"); // full: every write is "OOM command not allowed"
            try {
                final Answer signIn = signIn(appleBody("001." + UUID.randomUUID()));
                final Answer logout = http().post("/api/auth/logout", Map.of(), token);

                assertThat(signIn.status()).as(signIn.toString()).isEqualTo(503);
                assertThat(signIn.code()).isEqualTo("service_unavailable");
                assertThat(signIn.header("Retry-After")).isNotNull();
                assertThat(postFrom(someAddress(), "/api/auth/nonce", "").status()).as("nonces need no Redis").isEqualTo(200);
                assertThat(logout.status()).as("PostgreSQL is the truth").isEqualTo(204);
                assertThat(http().get("/api/users/me", token).status()).as("and the revocation holds").isEqualTo(401);
            } finally {
                redis.configSet("maxmemory", "0");
            }
        }
        assertThat(newUser().status()).isEqualTo(200);
    }

    // --- 8. Provider events ---

    @Test
    void providerEventsAreRateLimitedInABucketOfTheirOwn() {
        final String address = someAddress();
        Answer last = null;
        for (int i = 0; i <= EVENTS_LIMIT; i++) {
            last = postFrom(address, "/api/auth/apple/notifications", "{\"payload\": \"not.a.jwt\"}");
        }
        final Answer signIn = postFrom(address, "/api/auth/apple", TestHttp.json(appleBody("001." + UUID.randomUUID())));

        assertThat(last.status()).as(last.toString()).isEqualTo(429);
        assertThat(last.code()).isEqualTo("rate_limited");
        assertThat(signIn.status()).as("sign-in from the same address is not locked out").isEqualTo(200);
    }

    @Test
    void apiDocumentationIsOffUnlessEnabled() {
        assertThat(http().get("/docs", null).status()).isEqualTo(404);
        assertThat(http().get("/docs/assets/swagger-ui.css", null).status()).isEqualTo(404);
        assertThat(http().get("/openapi.yaml", null).status()).as("the description stays public").isEqualTo(200);
    }
}
