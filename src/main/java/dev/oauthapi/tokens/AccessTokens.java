package dev.oauthapi.tokens;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.security.SecurityException;

import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Our access tokens: RFC 9068 JWTs ({@code typ: at+jwt}) signed with the newest key of
 * {@link SigningKeys}. Verification pins everything an attacker could vary: the key comes from our
 * key set by {@code kid}, the algorithm must be that key's own, and {@code typ}, {@code iss} and
 * {@code aud} must be ours, so a refresh token or a Google or Apple ID token presented as a bearer
 * token is refused. The parser is built once; it is immutable and thread-safe.
 */
public final class AccessTokens {
    public static final String TYPE = "at+jwt";
    private static final Set<String> ROLES = Set.of("user", "admin", "superadmin");

    /** A freshly signed token and when it expires. */
    public record Issued(String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "Issued[expiresAt=" + expiresAt + "]";
        }
    }

    private final SigningKeys keys;
    private final String issuer;
    private final String audience;
    private final Duration ttl;
    private final Clock clock;
    private final JwtParser parser;

    public AccessTokens(SigningKeys keys, String issuer, String audience, Duration ttl, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.audience = audience;
        this.ttl = ttl;
        this.clock = clock;
        this.parser = Jwts.parser()
                .keyLocator(new OwnKeys())
                .requireIssuer(issuer)
                .requireAudience(audience)
                .clock(() -> Date.from(clock.instant()))
                .build();
    }

    public Duration ttl() {
        return ttl;
    }

    public Issued issue(UUID userId, UUID sessionId, String role, String clientId) {
        final Instant now = clock.instant();
        final Instant expiresAt = now.plus(ttl);
        final SigningKeys.SigningKey key = keys.current();
        final String token = Jwts.builder()
                .header().type(TYPE).keyId(key.keyId()).and()
                .issuer(issuer)
                .subject(userId.toString())
                .audience().add(audience).and()
                .issuedAt(Date.from(now))
                .expiration(Date.from(expiresAt))
                .id(UUID.randomUUID().toString())
                .claim("sid", sessionId.toString())
                .claim("role", role)
                .claim("client_id", clientId)
                .signWith(key.privateKey(), key.algorithm())
                .compact();
        return new Issued(token, expiresAt);
    }

    /** The token's claims, or empty for any token that is not a live access token of ours. */
    public Optional<AccessTokenClaims> verify(String token) {
        try {
            final Jws<Claims> jws = parser.parseSignedClaims(token);
            if (!TYPE.equals(jws.getHeader().getType())) {
                return Optional.empty();
            }
            final Claims claims = jws.getPayload();
            final String role = claims.get("role", String.class);
            if (claims.getExpiration() == null || !ROLES.contains(role)) {
                return Optional.empty();
            }
            return Optional.of(new AccessTokenClaims(
                    UUID.fromString(claims.getSubject()),
                    UUID.fromString(claims.get("sid", String.class)),
                    role,
                    claims.get("client_id", String.class),
                    claims.getId(),
                    claims.getExpiration().toInstant()));
        } catch (JwtException | IllegalArgumentException | NullPointerException | ClassCastException e) {
            return Optional.empty();
        }
    }

    /** Finds the verification key by {@code kid} in our own key set, and only for its own algorithm. */
    private final class OwnKeys extends LocatorAdapter<Key> {
        @Override
        protected Key locate(JwsHeader header) {
            final SigningKeys.SigningKey key = keys.find(header.getKeyId())
                    .orElseThrow(() -> new SecurityException("unknown key id"));
            if (!key.algorithm().getId().equals(header.getAlgorithm())) {
                throw new SecurityException("algorithm does not match the key");
            }
            return key.publicKey();
        }
    }
}
