package dev.oauthapi.dpop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.oauthapi.tokens.Sha256;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * DPoP proofs (RFC 9449 §4.3), checked as a named list of steps, like the ID-token verifier: one
 * {@code DPoP} header; {@code typ} {@code dpop+jwt}; an asymmetric {@code alg} we support; a
 * {@code jwk} that is a public key only; the signature by that key; {@code htm} and {@code htu}
 * those of the request; {@code iat} within the proof lifetime of our clock (or, with server nonces,
 * a nonce of ours that is still fresh); {@code ath} the hash of the access token presented with
 * it; and a {@code jti} not seen before within the lifetime (the caller's single-use store). Each
 * refusal is a {@link DpopRejected} naming its step.
 *
 * <p>A proof is single use, but its key is the same on every request of a device: jjwt reads each
 * new JWK (and refuses private or malformed ones, or a point off its curve) and computes its RFC
 * 7638 thumbprint once, and the key is kept, bounded, by its JSON. What is left per request is the
 * compact JWS split and its JSON read, and the JDK's signature check, as {@code AccessTokens} signs
 * ours: one signature check, nothing more.
 */
public final class DpopProofs {
    public static final String TYPE = "dpop+jwt";
    /** What a client may sign its proofs with: the Secure Enclave's and Keystore's P-256, and RSA. */
    public static final List<String> ALGORITHMS = List.of("ES256", "RS256");
    private static final int MAX_PROOF = 8 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();
    /** Keys seen in proofs: a few hundred bytes each, so a few MiB at most. */
    private static final long KEYS_KEPT = 10_000;

    /** A proof that passed every check: the thumbprint of its key, and its {@code jti}. */
    public record Proof(String jkt, String jti) {
    }

    /** The request a proof must be for. {@code accessToken}: the one presented with it, or null. */
    public record Request(String method, URI uri, String accessToken) {
    }

    /** A proof's key, read once: the JDK's key and its thumbprint. */
    private record Key(PublicKey publicKey, String thumbprint) {
    }

    private final Duration lifetime;
    private final DpopNonces nonces;
    private final Clock clock;
    private final Cache<String, Key> keys = Caffeine.newBuilder().maximumSize(KEYS_KEPT)
            .expireAfterAccess(Duration.ofMinutes(30)).build();

    /** @param nonces null when server nonces are off */
    public DpopProofs(Duration lifetime, DpopNonces nonces, Clock clock) {
        this.lifetime = lifetime;
        this.nonces = nonces;
        this.clock = clock;
    }

    /**
     * How long a proof's {@code jti} must be remembered: as long as the proof itself could still be
     * accepted. Without nonces its {@code iat} may be up to the lifetime on either side of our clock;
     * with them, a proof stands while its nonce does, which may be longer than a short lifetime.
     */
    public Duration replayWindow() {
        final Duration byIat = lifetime.multipliedBy(2);
        final Duration byNonce = DpopNonces.LIFETIME.plus(DpopNonces.ROTATION);
        return nonces != null && byNonce.compareTo(byIat) > 0 ? byNonce : byIat;
    }

    public boolean usesNonces() {
        return nonces != null;
    }

    /**
     * The proof of {@code headers} (every {@code DPoP} header of the request) for {@code request};
     * {@code unused} marks the proof's {@code jti} used (false when it was used already).
     */
    public Proof verify(List<String> headers, Request request, Predicate<String> unused) {
        if (headers.size() != 1) {
            throw new DpopRejected("header", "exactly one DPoP header, not " + headers.size());
        }
        final String proof = headers.getFirst().trim();
        if (proof.isEmpty() || proof.length() > MAX_PROOF) {
            throw new DpopRejected("header", "the DPoP header is empty or too long");
        }
        final String[] parts = proof.split("\\.", -1);
        if (parts.length != 3) {
            throw new DpopRejected("malformed", "the proof is not a compact JWS");
        }
        final JsonNode header = json(parts[0]);
        if (!TYPE.equals(header.path("typ").asText(null))) {
            throw new DpopRejected("typ", "typ must be " + TYPE);
        }
        final String alg = header.path("alg").asText("");
        if (!ALGORITHMS.contains(alg)) {
            throw new DpopRejected("alg", "alg must be one of " + ALGORITHMS + " (asymmetric)");
        }
        if (header.has("crit")) {
            throw new DpopRejected("malformed", "the proof names critical extensions this server does not know");
        }
        final Key key = key(header.path("jwk"), alg);
        requireSignature(alg, key.publicKey(), parts);
        final JsonNode claims = json(parts[1]);
        if (!request.method().equals(claims.path("htm").asText(null))) {
            throw new DpopRejected("htm", "htm is not this request's method");
        }
        final String htu = claims.path("htu").asText(null);
        if (htu == null || !normalized(htu).equals(normalized(request.uri().toString()))) {
            throw new DpopRejected("htu", "htu is not this request's URL");
        }
        requireFresh(claims);
        if (request.accessToken() != null && !Sha256.base64url(request.accessToken()).equals(
                claims.path("ath").asText(null))) {
            throw new DpopRejected("ath", "ath is not the hash of the access token sent with it");
        }
        final String jti = claims.path("jti").asText("");
        if (jti.isEmpty() || jti.length() > 256) {
            throw new DpopRejected("jti", "the proof has no jti");
        }
        // Per key: one client's jti cannot collide with another's.
        if (!unused.test(Sha256.hex(key.thumbprint() + "." + jti))) {
            throw new DpopRejected("jti", "this proof was used already");
        }
        return new Proof(key.thumbprint(), jti);
    }

    private static JsonNode json(String part) {
        try {
            final JsonNode node = JSON.readTree(BASE64URL.decode(part));
            if (node == null || !node.isObject()) {
                throw new DpopRejected("malformed", "the proof's header and claims must be JSON objects");
            }
            return node;
        } catch (IOException | IllegalArgumentException e) {
            throw new DpopRejected("malformed", "the proof is not a well-formed JWS");
        }
    }

    /** The proof's key, read by jjwt the first time it is seen: a public key only, of the alg's kind. */
    private Key key(JsonNode jwk, String alg) {
        if (!jwk.isObject()) {
            throw new DpopRejected("jwk", "the proof names no jwk");
        }
        final String cacheKey = alg + jwk;
        final Key known = keys.getIfPresent(cacheKey);
        if (known != null) {
            return known;
        }
        final Jwk<?> parsed;
        try {
            parsed = Jwks.parser().build().parse(jwk.toString());
        } catch (RuntimeException e) {
            throw new DpopRejected("jwk", "the jwk is not a well-formed public key");
        }
        if (!(parsed instanceof PublicJwk<?> publicJwk)) {
            throw new DpopRejected("jwk", "the jwk header must be a public key only");
        }
        final PublicKey publicKey = publicJwk.toKey();
        final boolean fits = "ES256".equals(alg) ? publicKey instanceof ECPublicKey ec
                && ec.getParams().getCurve().getField().getFieldSize() == 256
                : publicKey instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() >= 2048;
        if (!fits) {
            throw new DpopRejected("jwk", "the jwk is not a key for " + alg + " (P-256, or RSA of 2048 bits or more)");
        }
        final Key key = new Key(publicKey, publicJwk.thumbprint().toString());
        keys.put(cacheKey, key);
        return key;
    }

    private static void requireSignature(String alg, PublicKey key, String[] parts) {
        try {
            final Signature signature = Signature.getInstance("ES256".equals(alg) ? "SHA256withECDSAinP1363Format"
                    : "SHA256withRSA");
            signature.initVerify(key);
            signature.update((parts[0] + '.' + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!signature.verify(BASE64URL.decode(parts[2]))) {
                throw new DpopRejected("signature", "the proof's signature does not verify with its jwk");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new DpopRejected("signature", "the proof's signature does not verify with its jwk");
        }
    }

    /** A fresh nonce for the {@code DPoP-Nonce} header; null when nonces are off. */
    public String nonce() {
        return nonces == null ? null : nonces.issue();
    }

    private void requireFresh(JsonNode claims) {
        final Instant now = clock.instant();
        if (nonces != null) {
            // The time sealed in our nonce stands for the proof's: a device with a wrong clock recovers.
            final Optional<Instant> issued = nonces.issuedAt(claims.path("nonce").asText(null));
            if (issued.isEmpty() || issued.get().isBefore(now.minus(DpopNonces.LIFETIME))
                    || issued.get().isAfter(now.plus(DpopNonces.ROTATION))) {
                throw new UseNonce();
            }
            return;
        }
        final JsonNode iat = claims.path("iat");
        if (!iat.isNumber() || Duration.between(Instant.ofEpochSecond(iat.asLong()), now).abs().compareTo(lifetime) > 0) {
            throw new DpopRejected("iat", "iat is not within " + lifetime.toSeconds() + " s of the server's clock");
        }
    }

    /**
     * RFC 3986 syntax- and scheme-based normalisation, without query and fragment: the scheme and
     * host in lower case, no default port, an empty path as {@code /}, percent-encodings as the
     * URI reads them.
     */
    static String normalized(String url) {
        try {
            final URI uri = new URI(url).normalize();
            if (uri.getScheme() == null || uri.getHost() == null) {
                return "";
            }
            final String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            final int port = uri.getPort() == defaultPort(scheme) ? -1 : uri.getPort();
            final String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (port < 0 ? "" : ":" + port) + path;
        } catch (URISyntaxException e) {
            return "";
        }
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "https" -> 443;
            case "http" -> 80;
            default -> -1;
        };
    }

    /** With server nonces on, a proof without a fresh nonce of ours: answered {@code use_dpop_nonce}. */
    public static final class UseNonce extends DpopRejected {
        private static final long serialVersionUID = 1L;

        UseNonce() {
            super("nonce", "the proof needs a fresh nonce from this server (DPoP-Nonce)");
        }
    }
}
