package dev.oauthapi.http;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import dev.oauthapi.testing.TestRedis;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate limits: per client IP on the auth endpoints, per user on protected ones, from a service
 * whose trusted proxies do not include loopback, so the test's own X-Forwarded-For is a spoof.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the first counts this address's requests from zero
class RateLimitTest {
    static final int LIMIT = 5;
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final TestRedis REDIS = TestRedis.startPrivate();
    static final Map<String, String> ENV = environment();
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);

    private static Map<String, String> environment() {
        final Map<String, String> env = TestEnvironment.withFreshDatabase(REDIS);
        env.put("APPLE_CLIENT_IDS", "com.example.app");
        env.put("APPLE_JWKS_URL", APPLE.jwksUrl().toString());
        env.put("AUTH_RATE_LIMIT_PER_MINUTE", Integer.toString(LIMIT));
        env.put("API_RATE_LIMIT_PER_MINUTE", Integer.toString(LIMIT));
        env.put("TRUSTED_PROXIES", "10.0.0.0/8");
        return env;
    }

    @AfterAll
    static void stop() {
        APPLE.close();
        REDIS.stop();
    }

    private static TestHttp http() {
        return new TestHttp(APP.getLocalPort());
    }

    private static Answer nonce(String forwardedFor) {
        return http().send(http().request("/api/auth/nonce", null)
                .header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    @Order(1)
    void theAuthEndpointsAreLimitedPerClientIpAndASpoofedForwardedForChangesNothing() {
        final List<Answer> answers = new ArrayList<>();
        for (int i = 0; i <= LIMIT; i++) {
            answers.add(nonce("203.0.113." + i)); // a new "address" each time: ignored, loopback is not trusted
        }

        for (int i = 0; i < LIMIT; i++) {
            assertThat(answers.get(i).status()).as("request %d", i + 1).isEqualTo(200);
            assertThat(answers.get(i).header("RateLimit-Limit")).isEqualTo(Integer.toString(LIMIT));
            assertThat(answers.get(i).header("RateLimit-Remaining")).isEqualTo(Integer.toString(LIMIT - 1 - i));
        }
        final Answer refused = answers.get(LIMIT);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("rate_limited");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(refused.header("RateLimit-Remaining")).isEqualTo("0");
        assertThat(refused.header("RateLimit-Reset")).isEqualTo(refused.header("Retry-After"));
        assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
        // The OAuth endpoints share the bucket, and answer in RFC 6749's shape.
        final Answer oauth = http().postForm("/oauth/token", Map.of("grant_type", "refresh_token"), Map.of());
        assertThat(oauth.status()).isEqualTo(429);
        assertThat(oauth.header("Content-Type")).isEqualTo("application/json");
        assertThat(oauth.json().path("error").asText()).isEqualTo("slow_down");
        assertThat(oauth.json().path("code").asText()).isEqualTo("rate_limited");
        assertThat(oauth.header("Retry-After")).isNotNull();
    }

    @Test
    @Order(2)
    void protectedEndpointsAreLimitedPerUserAndWithoutRedisStillLimited() throws Exception {
        REDIS.stop(); // the per-user count moves into the process: limited still, never unlimited
        try {
            final String subject = "001." + UUID.randomUUID();
            final String token = http().post("/api/auth/apple", Map.of("identityToken",
                    APPLE.token("com.example.app", subject).build())).json().path("tokens").path("accessToken").asText();
            assertThat(token).as("sign-in needs Redis").isEmpty();
        } finally {
            REDIS.start();
        }
        final Answer signIn = http().post("/api/auth/apple", Map.of("identityToken",
                APPLE.token("com.example.app", "001." + UUID.randomUUID()).build()));
        final String token = signIn.json().path("tokens").path("accessToken").asText();

        REDIS.stop();
        try {
            int allowed = 0;
            Answer last = null;
            for (int i = 0; i < LIMIT + 3; i++) {
                last = http().get("/api/users/me", token);
                if (last.status() == 200) {
                    allowed++;
                }
            }
            assertThat(allowed).isLessThanOrEqualTo(LIMIT);
            assertThat(last.code()).isEqualTo("rate_limited");
        } finally {
            REDIS.start();
        }
    }
}
