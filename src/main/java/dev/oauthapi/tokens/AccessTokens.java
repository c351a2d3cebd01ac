package dev.oauthapi.tokens;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;


import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Our access tokens: RFC 9068 JWTs ({@code typ: at+jwt}) signed with the key that signs now in
 * {@link SigningKeys}. Verification pins everything an attacker could vary: the key comes from our
 * key set by {@code kid}, the algorithm must be that key's own, and {@code typ}, {@code iss} and
 * {@code aud} must be ours, so a refresh token or a Google or Apple ID token presented as a bearer
 * token is refused. The parser is built once; it is immutable and thread-safe.
 */
public final class AccessTokens {
    public static final String TYPE = "at+jwt";
    private static final ObjectWriter JSON = JsonMapper.builder().build().writer();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /** A freshly signed token, when it expires, and the DPoP key it is bound to (null: a Bearer token). */
    public record Issued(String token, Instant expiresAt, String dpopJkt) {
        public Issued(String token, Instant expiresAt) {
            this(token, expiresAt, null);
        }

        /** {@code DPoP} for a bound token, else {@code Bearer}: the answer's token type. */
        public String type() {
            return dpopJkt == null ? "Bearer" : "DPoP";
        }

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
        this.parser = keys.parser(issuer, audience, clock);
    }

    public Duration ttl() {
        return ttl;
    }

    /**
     * Signs a token: its compact JWS (RFC 7515) is written here, header and claims by Jackson and
     * the signature by the JDK, because jjwt's builder cost as much CPU as the ES256 signature
     * itself on every sign-in and refresh. jjwt still verifies every token (and the tests verify
     * these with it).
     */
    public Issued issue(UUID userId, UUID sessionId, String role, String clientId) {
        return issue(userId, sessionId, role, clientId, null);
    }

    /** As {@link #issue(UUID, UUID, String, String)}, bound to a DPoP key ({@code cnf.jkt}) when {@code dpopJkt} is given. */
    public Issued issue(UUID userId, UUID sessionId, String role, String clientId, String dpopJkt) {
        return issue(userId, sessionId, role, clientId, dpopJkt, false);
    }

    /**
     * As {@link #issue(UUID, UUID, String, String, String)}, for a guest when {@code anonymous}
     * ({@code "is_anonymous": true}, so that resource servers can refuse guests).
     */
    public Issued issue(UUID userId, UUID sessionId, String role, String clientId, String dpopJkt, boolean anonymous) {
        final Instant now = clock.instant();
        final Instant expiresAt = now.plus(ttl);
        final SigningKeys.SigningKey key = keys.current();
        final Claims claims = new Claims(issuer, userId.toString(), List.of(audience), now.getEpochSecond(),
                expiresAt.getEpochSecond(), UUID.randomUUID().toString(), sessionId.toString(), role, clientId,
                dpopJkt == null ? null : new Confirmation(dpopJkt), anonymous ? Boolean.TRUE : null);
        try {
            final String signingInput = BASE64URL.encodeToString(JSON.writeValueAsBytes(
                    new Header(key.algorithm().getId(), TYPE, key.keyId()))) + '.'
                    + BASE64URL.encodeToString(JSON.writeValueAsBytes(claims));
            final Signature signature = Signature.getInstance(jcaName(key.algorithm().getId()));
            signature.initSign(key.privateKey());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return new Issued(signingInput + '.' + BASE64URL.encodeToString(signature.sign()), expiresAt, dpopJkt);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign an access token with key " + key.keyId(), e);
        }
    }

    /** JWS algorithms as the JDK names them; ES256 signatures in the fixed-width form JWS wants (RFC 7518 §3.4). */
    private static String jcaName(String jwsAlgorithm) {
        return switch (jwsAlgorithm) {
            case "ES256" -> "SHA256withECDSAinP1363Format";
            case "RS256" -> "SHA256withRSA";
            default -> throw new IllegalStateException("no signer for " + jwsAlgorithm);
        };
    }

    private record Header(String alg, String typ, String kid) {
    }

    /** The claims, in RFC 9068's names; {@code aud} an array, as jjwt wrote it before. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record Claims(String iss, String sub, List<String> aud, long iat, long exp, String jti, String sid,
                          String role, @JsonProperty("client_id") String clientId, Confirmation cnf,
                          @JsonProperty("is_anonymous") Boolean anonymous) {
    }

    /** RFC 9449 §6.1: the key a token is bound to, as its RFC 7638 thumbprint. */
    private record Confirmation(String jkt) {
    }

    /**
     * Whether the key of a token verified earlier is still ours: a key removed from the folder
     * (rotated out, or pulled because it leaked) takes its tokens with it, cached or not.
     */
    public boolean isKeyStillPublished(AccessTokenClaims claims) {
        return keys.find(claims.keyId()).isPresent();
    }

    /** The {@code cnf.jkt} of a token's claims; null for an unbound token. */
    private static String boundKey(Object cnf) {
        return cnf instanceof java.util.Map<?, ?> confirmation && confirmation.get("jkt") instanceof String jkt ? jkt : null;
    }

    /** The token's claims, or empty for any token that is not a live access token of ours. */
    public Optional<AccessTokenClaims> verify(String token) {
        try {
            final Jws<io.jsonwebtoken.Claims> jws = parser.parseSignedClaims(token);
            if (!TYPE.equals(jws.getHeader().getType())) {
                return Optional.empty();
            }
            final io.jsonwebtoken.Claims claims = jws.getPayload();
            final String role = claims.get("role", String.class);
            if (claims.getExpiration() == null || !Roles.ALL.contains(role)) {
                return Optional.empty();
            }
            return Optional.of(new AccessTokenClaims(
                    UUID.fromString(claims.getSubject()),
                    UUID.fromString(claims.get("sid", String.class)),
                    role,
                    claims.get("client_id", String.class),
                    claims.getId(),
                    claims.getExpiration().toInstant(),
                    jws.getHeader().getKeyId(),
                    boundKey(claims.get("cnf"))));
        } catch (JwtException | IllegalArgumentException | NullPointerException | ClassCastException e) {
            return Optional.empty();
        }
    }
}
