package dev.oauthapi.users;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The profile {@code GET /api/users/me} answers is cached per instance and checked against the
 * user's version in Redis on every request: a change made through another instance shows on this
 * one at its very next request. Two instances of the service on one database and one Redis; every
 * read goes to instance A, every change to instance B, after A has cached the profile.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ProfileCacheTest {
    static final String GOOGLE_CLIENT = "cache.apps.googleusercontent.com";
    static final String APPLE_APP = "com.example.cache";
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final Map<String, String> ENV = TestEnvironment.withProviders(GOOGLE, GOOGLE_CLIENT, APPLE, APPLE_APP);
    static final DropwizardAppExtension<OAuthApiConfiguration> A = TestApp.extension(ENV);
    static final DropwizardAppExtension<OAuthApiConfiguration> B = TestApp.extension(ENV);

    @AfterAll
    static void stopProviders() {
        GOOGLE.close();
        APPLE.close();
    }

    private static TestHttp a() {
        return new TestHttp(A.getLocalPort());
    }

    private static TestHttp b() {
        return new TestHttp(B.getLocalPort());
    }

    /** Signs a Google user in through B; its access token. */
    private static String signIn(String subject, String email) {
        final Answer answer = b().post("/api/auth/google", Map.of("idToken", GOOGLE.token(GOOGLE_CLIENT, subject)
                .email(email, true).claim("jti", UUID.randomUUID().toString()).build()));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.json().path("tokens").path("accessToken").asText();
    }

    /** {@code /api/users/me} through A, twice: the second answer comes from A's cache. */
    private static JsonNode meOnA(String token) {
        final Answer first = a().get("/api/users/me", token);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        final Answer second = a().get("/api/users/me", token);
        assertThat(second.json()).isEqualTo(first.json());
        return second.json();
    }

    @Test
    void aProfileUpdateOnOneInstanceShowsOnTheOtherAtOnce() {
        final String token = signIn("cache-" + UUID.randomUUID(), "cache." + UUID.randomUUID() + "@gmail.com");
        assertThat(meOnA(token).path("name").isNull()).isTrue();

        assertThat(b().patch("/api/profile", Map.of("name", "Ada"), token).status()).isEqualTo(200);

        assertThat(meOnA(token).path("name").asText()).isEqualTo("Ada");
    }

    @Test
    void linkingAndUnlinkingOnOneInstanceShowOnTheOtherAtOnce() {
        final String token = signIn("cache-" + UUID.randomUUID(), "link." + UUID.randomUUID() + "@gmail.com");
        assertThat(meOnA(token).path("identities")).hasSize(1);

        final Answer linked = b().post("/api/auth/link/apple", Map.of("identityToken",
                APPLE.token(APPLE_APP, "001.cache." + UUID.randomUUID()).build()), token);
        assertThat(linked.status()).as(linked.toString()).isEqualTo(200);
        assertThat(meOnA(token).path("identities")).hasSize(2);

        assertThat(b().delete("/api/profile/identities/apple", token).status()).isEqualTo(200);
        assertThat(meOnA(token).path("identities")).hasSize(1);
    }

    @Test
    void aSignInWithANewEmailOnOneInstanceShowsOnTheOtherAtOnce() {
        final String subject = "cache-" + UUID.randomUUID();
        final String token = signIn(subject, "old." + UUID.randomUUID() + "@gmail.com");
        meOnA(token);

        final String newEmail = "new." + UUID.randomUUID() + "@gmail.com";
        signIn(subject, newEmail);

        assertThat(meOnA(token).path("identities").get(0).path("email").asText()).isEqualTo(newEmail);
    }

    @Test
    void withoutTheUsersVersionInRedisNoCachedCopyIsUsed() {
        final String token = signIn("cache-" + UUID.randomUUID(), "lost." + UUID.randomUUID() + "@gmail.com");
        meOnA(token);
        // Redis forgets every version (a restart without persistence) and the change is written
        // behind the service's back: A must not answer its cached copy under a version Redis no
        // longer has.
        try (var redis = TestRedis.shared().client()) {
            redis.keys("oauth-api:user-version:*").forEach(redis::del);
        }
        assertThat(b().patch("/api/profile", Map.of("name", "Grace"), token).status()).isEqualTo(200);
        try (var redis = TestRedis.shared().client()) {
            redis.keys("oauth-api:user-version:*").forEach(redis::del);
        }

        assertThat(meOnA(token).path("name").asText()).isEqualTo("Grace");
    }
}
