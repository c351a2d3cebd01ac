package dev.oauthapi.appcheck;

import dev.oauthapi.tokens.SigningKeys;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * App tokens: what an app gets for proving itself (App Attest, Play Integrity or a debug token) and
 * sends as {@code X-App-Check}. Signed with our signing keys, so every instance verifies one without
 * a database read; marked so that it can never pass for an access token, nor an access token for
 * it: its own {@code typ} ({@code app-check+jwt}) and its own audience (the access tokens' with
 * {@code #app-check}). It names the platform, the app and, for Apple, the device key.
 */
public final class AppTokens {
    public static final String TYPE = "app-check+jwt";
    /** The platforms an app token names; {@code debug}: a debug token's, for simulators and CI. */
    public static final Set<String> PLATFORMS = Set.of("ios", "android", "debug");

    /** A verified app token. {@code keyId}: the App Attest key, base64url; null on other platforms. */
    public record AppToken(String platform, String appId, String keyId, Instant expiresAt, String signingKeyId) {
    }

    /** A freshly signed app token and its lifetime. */
    public record Issued(String token, Duration expiresIn) {
        @Override
        public String toString() {
            return "Issued[expiresIn=" + expiresIn + "]";
        }
    }

    private final SigningKeys keys;
    private final String issuer;
    private final String audience;
    private final Duration ttl;
    private final Clock clock;
    private final JwtParser parser;

    /** @param accessTokenAudience the access tokens' audience; app tokens take it with {@code #app-check} */
    public AppTokens(SigningKeys keys, String issuer, String accessTokenAudience, Duration ttl, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.audience = accessTokenAudience + "#app-check";
        this.ttl = ttl;
        this.clock = clock;
        this.parser = keys.parser(issuer, audience, clock);
    }

    public Issued issue(String platform, String appId, String keyId) {
        if (!PLATFORMS.contains(platform)) {
            throw new IllegalArgumentException("not a platform: " + platform);
        }
        final Instant now = clock.instant();
        final SigningKeys.SigningKey key = keys.current();
        final var builder = Jwts.builder().header().type(TYPE).keyId(key.keyId()).and()
                .issuer(issuer).audience().add(audience).and().subject(appId).claim("platform", platform)
                .id(UUID.randomUUID().toString()).issuedAt(Date.from(now)).expiration(Date.from(now.plus(ttl)));
        if (keyId != null) {
            builder.claim("attest_key", keyId);
        }
        return new Issued(builder.signWith(key.privateKey(), key.algorithm()).compact(), ttl);
    }

    /** Whether the key that signed it still verifies: one pulled because it leaked takes its tokens with it. */
    public boolean isKeyStillPublished(AppToken token) {
        return keys.find(token.signingKeyId()).isPresent();
    }

    /** The token's app, or empty for anything that is not a live app token of ours. */
    public Optional<AppToken> verify(String token) {
        if (token == null || token.isEmpty() || token.length() > 4096) {
            return Optional.empty();
        }
        try {
            final Jws<Claims> jws = parser.parseSignedClaims(token);
            final Claims claims = jws.getPayload();
            final String platform = claims.get("platform", String.class);
            if (!TYPE.equals(jws.getHeader().getType()) || !PLATFORMS.contains(platform) || claims.getSubject() == null
                    || claims.getExpiration() == null) {
                return Optional.empty();
            }
            return Optional.of(new AppToken(platform, claims.getSubject(), claims.get("attest_key", String.class),
                    claims.getExpiration().toInstant(), jws.getHeader().getKeyId()));
        } catch (JwtException | IllegalArgumentException | ClassCastException e) {
            return Optional.empty();
        }
    }
}
