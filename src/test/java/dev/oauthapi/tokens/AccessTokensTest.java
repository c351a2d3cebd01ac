package dev.oauthapi.tokens;

import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class AccessTokensTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final UUID USER = UUID.randomUUID();
    private static final UUID SESSION = UUID.randomUUID();

    private static AccessTokens tokens(SigningKeys keys, Clock clock) {
        return new AccessTokens(keys, "https://issuer.example", "api", Duration.ofMinutes(15), clock);
    }

    @Test
    void roundTripsItsClaims(@TempDir Path dir) throws Exception {
        new SigningKeyFiles(dir).generate(CLOCK, new SecureRandom());
        final AccessTokens tokens = tokens(SigningKeys.load(dir), CLOCK);

        final AccessTokens.Issued issued = tokens.issue(USER, SESSION, "admin", "com.example.app");

        assertThat(issued.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(15)));
        final AccessTokenClaims claims = tokens.verify(issued.token()).orElseThrow();
        assertThat(claims.userId()).isEqualTo(USER);
        assertThat(claims.sessionId()).isEqualTo(SESSION);
        assertThat(claims.role()).isEqualTo("admin");
        assertThat(claims.clientId()).isEqualTo("com.example.app");
    }

    @Test
    void isAnRfc9068TokenWithAFixedWidthEs256Signature(@TempDir Path dir) throws Exception {
        new SigningKeyFiles(dir).generate(CLOCK, new SecureRandom());
        final String[] parts = tokens(SigningKeys.load(dir), CLOCK).issue(USER, SESSION, "user", "web").token().split("\\.");
        final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();

        final var header = json.readTree(java.util.Base64.getUrlDecoder().decode(parts[0]));
        assertThat(header.path("alg").asText()).isEqualTo("ES256");
        assertThat(header.path("typ").asText()).isEqualTo("at+jwt");
        assertThat(header.path("kid").isTextual()).isTrue();
        final var payload = json.readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
        assertThat(payload.path("iss").asText()).isEqualTo("https://issuer.example");
        assertThat(payload.path("sub").asText()).isEqualTo(USER.toString());
        assertThat(payload.path("aud").isArray()).isTrue();
        assertThat(payload.path("aud").get(0).asText()).isEqualTo("api");
        assertThat(payload.path("iat").isIntegralNumber()).isTrue();
        assertThat(payload.path("exp").asLong()).isEqualTo(NOW.plus(Duration.ofMinutes(15)).getEpochSecond());
        assertThat(payload.path("jti").isTextual()).isTrue();
        assertThat(payload.path("sid").asText()).isEqualTo(SESSION.toString());
        assertThat(payload.path("client_id").asText()).isEqualTo("web");
        // JWS wants R || S, 64 bytes for P-256 (RFC 7518 §3.4), not the JDK's default DER encoding.
        assertThat(java.util.Base64.getUrlDecoder().decode(parts[2])).hasSize(64);
    }

    @Test
    void theNewestKeySignsAndOlderKeysStillVerify(@TempDir Path dir) throws Exception {
        final SigningKeyFiles files = new SigningKeyFiles(dir);
        files.generate(CLOCK, new SecureRandom());
        final String oldToken = tokens(SigningKeys.load(dir), CLOCK).issue(USER, SESSION, "user", "c").token();
        files.generate(Clock.offset(CLOCK, Duration.ofDays(1)), new SecureRandom());
        final SigningKeys rotated = SigningKeys.load(dir);

        final String newToken = tokens(rotated, CLOCK).issue(USER, SESSION, "user", "c").token();

        final String header = new String(java.util.Base64.getUrlDecoder().decode(newToken.split("\\.")[0]),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(header).contains("\"kid\":\"" + rotated.current().keyId() + "\"").contains("\"typ\":\"at+jwt\"");
        assertThat(rotated.publicJwks()).hasSize(2);
        assertThat(newToken).isNotEqualTo(oldToken);
        assertThat(tokens(rotated, CLOCK).verify(oldToken)).isPresent();
        assertThat(tokens(rotated, CLOCK).verify(newToken)).isPresent();
        assertThat(rotated.current().keyId()).startsWith("20261127");
    }

    @Test
    void aTokenWhoseKeyWasRemovedFromTheFolderIsNoLongerOurs(@TempDir Path dir) throws Exception {
        final SigningKeyFiles files = new SigningKeyFiles(dir);
        final Path old = files.generate(Clock.offset(CLOCK, Duration.ofDays(-2)), new SecureRandom());
        final SigningKeys keys = SigningKeys.load(dir, Duration.ofDays(1), CLOCK);
        final AccessTokens tokens = tokens(keys, CLOCK);
        final AccessTokenClaims claims = tokens.verify(tokens.issue(USER, SESSION, "user", "c").token()).orElseThrow();
        files.generate(Clock.offset(CLOCK, Duration.ofDays(-1)), new SecureRandom());

        java.nio.file.Files.delete(old);
        keys.reload();

        assertThat(tokens.isKeyStillPublished(claims)).isFalse();
    }

    @Test
    void anExpiredTokenIsRefused(@TempDir Path dir) throws Exception {
        new SigningKeyFiles(dir).generate(CLOCK, new SecureRandom());
        final SigningKeys keys = SigningKeys.load(dir);
        final String token = tokens(keys, CLOCK).issue(USER, SESSION, "user", "c").token();

        assertThat(tokens(keys, Clock.offset(CLOCK, Duration.ofMinutes(16))).verify(token)).isEmpty();
    }

    @Test
    void anAlgorithmOtherThanTheKeysOwnIsRefused(@TempDir Path dir) throws Exception {
        new SigningKeyFiles(dir).generate(CLOCK, new SecureRandom());
        final SigningKeys keys = SigningKeys.load(dir);
        final String hmac = Jwts.builder().header().type("at+jwt").keyId(keys.current().keyId()).and()
                .issuer("https://issuer.example").audience().add("api").and().subject(USER.toString())
                .claim("sid", SESSION.toString()).claim("role", "user").expiration(Date.from(NOW.plusSeconds(60)))
                .signWith(Jwts.SIG.HS256.key().build()).compact();

        assertThat(tokens(keys, CLOCK).verify(hmac)).isEmpty();
        assertThat(tokens(keys, CLOCK).verify("not a token")).isEmpty();
    }
}
