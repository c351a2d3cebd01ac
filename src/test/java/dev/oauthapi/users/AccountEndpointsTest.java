package dev.oauthapi.users;

import dev.oauthapi.OAuthApiConfiguration;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.TestApp;
import dev.oauthapi.testing.TestDatabase;
import dev.oauthapi.testing.TestEnvironment;
import dev.oauthapi.testing.TestHttp;
import dev.oauthapi.testing.TestHttp.Answer;
import dev.oauthapi.testing.TestTokens;
import dev.oauthapi.tokens.AccessTokens;
import dev.oauthapi.tokens.SigningKeys;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The protected endpoints of a signed-in app: who am I, profile, linking and unlinking, and what
 * the Bearer filter lets through. Real service, real PostgreSQL and Redis, fake providers.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AccountEndpointsTest {
    static final String GOOGLE_CLIENT = "1234-ios.apps.googleusercontent.com";
    static final String APPLE_APP = "com.example.app";
    static final FakeProvider GOOGLE = FakeProvider.start(Provider.GOOGLE);
    static final FakeProvider APPLE = FakeProvider.start(Provider.APPLE);
    static final Map<String, String> ENV = TestEnvironment.withProviders(GOOGLE, GOOGLE_CLIENT, APPLE, APPLE_APP);
    static final DropwizardAppExtension<OAuthApiConfiguration> APP = TestApp.extension(ENV);
    static final TestDatabase DB = new TestDatabase(ENV);

    @AfterAll
    static void stopProviders() {
        GOOGLE.close();
        APPLE.close();
    }

    private static TestHttp http() {
        return new TestHttp(APP.getLocalPort());
    }

    private static TestTokens.Builder google() {
        return GOOGLE.token(GOOGLE_CLIENT, UUID.randomUUID().toString());
    }

    private static TestTokens.Builder apple() {
        return APPLE.token(APPLE_APP, "001.apple." + UUID.randomUUID());
    }

    /** Signs a new Google user in; returns the whole answer. */
    private static Answer newGoogleUser() {
        final Answer answer = http().post("/api/auth/google", Map.of("idToken", google().build()));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer;
    }

    private static String accessToken(Answer signIn) {
        return signIn.json().path("tokens").path("accessToken").asText();
    }

    // --- App attestation off (the default) ---

    @Test
    void withAppAttestationOffNoRequestIsGatedNorCountedAndItsEndpointsAreOff() {
        final Answer signedIn = http().post("/api/auth/google", Map.of("idToken", google().build()), null,
                Map.of("X-App-Check", "not-an-app-token"));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        assertThat(http().post("/api/auth/refresh", Map.of("refreshToken", signedIn.json().path("tokens")
                .path("refreshToken").asText()), null, Map.of()).status()).isEqualTo(200);
        assertThat(new TestHttp(APP.getAdminPort()).get("/prometheus", null).response().body())
                .doesNotContain("oauth_app_check_total{");
        final Answer challenge = http().post("/api/app-check/challenge", Map.of());
        assertThat(challenge.status()).isEqualTo(404);
        assertThat(challenge.code()).isEqualTo("provider_not_enabled");
    }

    @Test
    void withoutAnonymousSignInThereAreNoGuests() {
        final long users = DB.count("users");
        final Answer guest = http().post("/api/auth/anonymous", Map.of());
        assertThat(guest.status()).isEqualTo(404);
        assertThat(guest.code()).isEqualTo("provider_not_enabled");
        assertThat(DB.count("users")).isEqualTo(users);
        final Answer merge = http().post("/api/auth/merge", Map.of("mergeToken", "x"), accessToken(newGoogleUser()));
        assertThat(merge.code()).isEqualTo("provider_not_enabled");
    }

    // --- Profile ---

    @Test
    void profileUpdateChangesOnlyWhatIsSent() {
        final String token = accessToken(newGoogleUser());

        final Answer named = http().patch("/api/profile", Map.of("name", "  Ada  "), token);
        final Answer pictured = http().patch("/api/profile", Map.of("avatarUrl", "https://cdn.example/a.png"), token);

        assertThat(named.status()).as(named.toString()).isEqualTo(200);
        assertThat(named.json().path("name").asText()).isEqualTo("Ada");
        assertThat(pictured.json().path("name").asText()).isEqualTo("Ada");
        assertThat(pictured.json().path("avatarUrl").asText()).isEqualTo("https://cdn.example/a.png");
        assertThat(http().get("/api/users/me", token).json()).isEqualTo(pictured.json());
    }

    @Test
    void profileUpdateValidatesItsInput() {
        final String token = accessToken(newGoogleUser());

        for (Map<String, String> invalid : new Map[] {
                Map.of("name", ""), Map.of("name", "   "), Map.of("name", "x".repeat(101)),
                Map.of("avatarUrl", "http://cdn.example/a.png"), Map.of("avatarUrl", "not a url"),
                Map.of("avatarUrl", "javascript:alert(1)")}) {
            final Answer answer = http().patch("/api/profile", invalid, token);
            assertThat(answer.status()).as(invalid + " -> " + answer).isEqualTo(400);
            assertThat(answer.code()).isEqualTo("invalid_request");
        }
        assertThat(http().get("/api/users/me", token).json().path("name").isNull()).isTrue();
    }

    // --- Linking ---

    @Test
    void linkingAnotherProviderAddsTheIdentityAndUnlinkingRemovesIt() {
        final String token = accessToken(newGoogleUser());
        final String appleToken = apple().email("apple-" + UUID.randomUUID() + "@example.com", "true").build();

        final Answer linked = http().post("/api/auth/link/apple", Map.of("identityToken", appleToken,
                "fullName", Map.of("givenName", "Ada")), token);

        assertThat(linked.status()).as(linked.toString()).isEqualTo(200);
        assertThat(linked.json().path("identities").findValuesAsText("provider")).containsExactly("google", "apple");
        assertThat(linked.json().path("name").asText()).isEqualTo("Ada");

        final Answer unlinked = http().delete("/api/profile/identities/apple", token);
        assertThat(unlinked.status()).isEqualTo(200);
        assertThat(unlinked.json().path("identities").findValuesAsText("provider")).containsExactly("google");
        assertThat(DB.rows("SELECT 1 FROM audit_log WHERE event IN ('identity_linked', 'identity_unlinked') AND user_id = ?::uuid",
                unlinked.json().path("id").asText())).hasSize(2);
    }

    @Test
    void anIdentityOfAnotherUserCannotBeLinked() {
        final String subject = "001.apple." + UUID.randomUUID();
        final Answer owner = http().post("/api/auth/apple", Map.of("identityToken", APPLE.token(APPLE_APP, subject).build()));
        assertThat(owner.status()).isEqualTo(200);
        final String token = accessToken(newGoogleUser());

        final Answer answer = http().post("/api/auth/link/apple",
                Map.of("identityToken", APPLE.token(APPLE_APP, subject).issuedSecondsAgo(1).build()), token);

        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.code()).isEqualTo("identity_already_linked");
    }

    @Test
    void aSecondAccountOfTheSameProviderCannotBeLinked() {
        final String token = accessToken(newGoogleUser());

        final Answer answer = http().post("/api/auth/link/google", Map.of("idToken", google().build()), token);

        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.code()).isEqualTo("identity_already_linked");
    }

    @Test
    void aBadTokenCannotBeLinked() {
        final String token = accessToken(newGoogleUser());

        final Answer answer = http().post("/api/auth/link/apple",
                Map.of("identityToken", apple().claim("aud", "com.other").build()), token);

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.code()).isEqualTo("invalid_id_token");
    }

    @Test
    void theLastIdentityCannotBeUnlinked() {
        final String token = accessToken(newGoogleUser());

        final Answer answer = http().delete("/api/profile/identities/google", token);

        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.code()).isEqualTo("last_identity");
    }

    @Test
    void unlinkingAProviderEndsTheSessionsSignedInThroughIt() {
        final Answer viaGoogle = newGoogleUser();
        final String appleSubject = "001.apple." + UUID.randomUUID();
        assertThat(http().post("/api/auth/link/apple", Map.of("identityToken",
                APPLE.token(APPLE_APP, appleSubject).build()), accessToken(viaGoogle)).status()).isEqualTo(200);
        final Answer viaApple = http().post("/api/auth/apple", Map.of("identityToken",
                APPLE.token(APPLE_APP, appleSubject).claim("jti", UUID.randomUUID().toString()).build()));
        assertThat(viaApple.status()).as(viaApple.toString()).isEqualTo(200);

        final Answer unlinked = http().delete("/api/profile/identities/google", accessToken(viaApple));

        assertThat(unlinked.status()).as(unlinked.toString()).isEqualTo(200);
        assertInvalidToken(http().get("/api/users/me", accessToken(viaGoogle)));
        final Answer refresh = http().post("/api/auth/refresh",
                Map.of("refreshToken", viaGoogle.json().path("tokens").path("refreshToken").asText()));
        assertThat(refresh.status()).isEqualTo(401);
        assertThat(refresh.code()).isEqualTo("session_revoked");
        assertThat(http().get("/api/users/me", accessToken(viaApple)).status()).isEqualTo(200);
        assertThat(DB.rows("SELECT 1 FROM sessions WHERE user_id = ?::uuid AND provider = 'google' AND revoked_at IS NULL",
                unlinked.json().path("id").asText())).isEmpty();
    }

    @Test
    void unlinkingAProviderThatIsNotLinkedIsNotFound() {
        final String token = accessToken(newGoogleUser());

        assertThat(http().delete("/api/profile/identities/apple", token).code()).isEqualTo("not_found");
        assertThat(http().delete("/api/profile/identities/myspace", token).code()).isEqualTo("not_found");
    }

    // --- Bearer tokens ---

    @Test
    void withoutATokenProtectedEndpointsAre401WithAChallenge() {
        final Answer answer = http().get("/api/users/me", null);

        assertInvalidToken(answer);
    }

    @Test
    void aRefreshTokenIsNotAnAccessToken() {
        final Answer signIn = newGoogleUser();

        assertInvalidToken(http().get("/api/users/me", signIn.json().path("tokens").path("refreshToken").asText()));
    }

    @Test
    void aProviderIdTokenIsNotAnAccessToken() {
        assertInvalidToken(http().get("/api/users/me", google().build()));
    }

    @Test
    void aTamperedAccessTokenIsRefused() {
        final String token = accessToken(newGoogleUser());
        final String[] parts = token.split("\\.");
        final String otherUser = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1]))
                        .replaceFirst("\"sub\":\"[^\"]+\"", "\"sub\":\"" + UUID.randomUUID() + "\"").getBytes());

        assertInvalidToken(http().get("/api/users/me", parts[0] + "." + otherUser + "." + parts[2]));
    }

    @Test
    void anExpiredAccessTokenIsRefused() throws Exception {
        final Answer signIn = newGoogleUser();
        final AccessTokens yesterday = new AccessTokens(SigningKeys.load(Path.of(ENV.get("JWT_KEYS_DIR"))),
                TestEnvironment.ISSUER, TestEnvironment.AUDIENCE, Duration.ofMinutes(15),
                Clock.fixed(Instant.now().minus(Duration.ofDays(1)), ZoneOffset.UTC));
        final String expired = yesterday.issue(UUID.fromString(signIn.json().path("user").path("id").asText()),
                UUID.randomUUID(), "user", GOOGLE_CLIENT).token();

        assertInvalidToken(http().get("/api/users/me", expired));
    }

    @Test
    void aTokenOfAnotherIssuerOrAudienceOrTypeIsRefused() throws Exception {
        final SigningKeys keys = SigningKeys.load(Path.of(ENV.get("JWT_KEYS_DIR")));
        final UUID user = UUID.fromString(newGoogleUser().json().path("user").path("id").asText());
        final Clock now = Clock.systemUTC();

        assertInvalidToken(http().get("/api/users/me", new AccessTokens(keys, "https://evil.example",
                TestEnvironment.AUDIENCE, Duration.ofMinutes(5), now).issue(user, UUID.randomUUID(), "user", "c").token()));
        assertInvalidToken(http().get("/api/users/me", new AccessTokens(keys, TestEnvironment.ISSUER,
                "another-api", Duration.ofMinutes(5), now).issue(user, UUID.randomUUID(), "user", "c").token()));
        final String plainJwt = Jwts.builder().header().keyId(keys.current().keyId()).and()
                .issuer(TestEnvironment.ISSUER).audience().add(TestEnvironment.AUDIENCE).and()
                .subject(user.toString()).claim("sid", UUID.randomUUID().toString()).claim("role", "user")
                .expiration(java.util.Date.from(Instant.now().plusSeconds(300)))
                .signWith(keys.current().privateKey(), keys.current().algorithm()).compact();
        assertInvalidToken(http().get("/api/users/me", plainJwt));
    }

    @Test
    void jwksPublishesTheKeyThatVerifiesOurAccessTokens() {
        final String token = accessToken(newGoogleUser());

        final Answer jwks = http().get("/.well-known/jwks.json", null);

        assertThat(jwks.status()).isEqualTo(200);
        assertThat(jwks.header("Cache-Control")).contains("max-age=300");
        assertThat(jwks.json().path("keys")).hasSize(1);
        final var published = jwks.json().path("keys").get(0);
        assertThat(published.path("kty").asText()).isEqualTo("EC");
        assertThat(published.path("crv").asText()).isEqualTo("P-256");
        assertThat(published.path("alg").asText()).isEqualTo("ES256");
        assertThat(published.path("use").asText()).isEqualTo("sig");
        assertThat(published.has("d")).as("no private part").isFalse();
        final PublicKey key = ((PublicJwk<?>) Jwks.parser().build().parse(published.toString())).toKey();
        final var jws = Jwts.parser().verifyWith(key).build().parseSignedClaims(token);
        assertThat(jws.getHeader().getType()).isEqualTo("at+jwt");
        assertThat(jws.getHeader().getKeyId()).isEqualTo(published.path("kid").asText());
        assertThat(jws.getPayload().getIssuer()).isEqualTo(TestEnvironment.ISSUER);
        assertThat(jws.getPayload().getAudience()).containsExactly(TestEnvironment.AUDIENCE);
        assertThat(jws.getPayload().get("client_id", String.class)).isEqualTo(GOOGLE_CLIENT);
        assertThat(jws.getPayload().get("sid", String.class)).isNotBlank();
        assertThat(jws.getPayload().getId()).isNotBlank();
    }

    @Test
    void theOpenApiDescriptionIsServed() {
        final Answer answer = http().get("/openapi.yaml", null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("application/yaml");
        assertThat(answer.json().asText()).startsWith("openapi: 3.1.0");
    }

    private static void assertInvalidToken(Answer answer) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(401);
        assertThat(answer.code()).isEqualTo("invalid_token");
        assertThat(answer.header("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
        assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
    }
}
