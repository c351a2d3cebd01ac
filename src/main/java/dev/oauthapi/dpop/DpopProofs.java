package dev.oauthapi.dpop;

import dev.oauthapi.tokens.Sha256;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Header;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.ProtectedHeader;
import io.jsonwebtoken.security.PublicJwk;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * DPoP proofs (RFC 9449 §4.3), checked as a named list of steps, like the ID-token verifier: one
 * {@code DPoP} header; {@code typ} {@code dpop+jwt}; an asymmetric {@code alg} we support; a
 * {@code jwk} that is a public key only; the signature by that key; {@code htm} and {@code htu}
 * those of the request; {@code iat} within the proof lifetime of our clock (or, with server nonces,
 * a nonce of ours that is still fresh); {@code ath} the hash of the access token presented with
 * it; and a {@code jti} not seen before within the lifetime (the caller's single-use store). Each
 * refusal is a {@link DpopRejected} naming its step. jjwt, the project's JOSE library, reads the
 * header's JWK and computes its RFC 7638 thumbprint, so Nimbus's verifier would add a second JOSE
 * library for nothing.
 */
public final class DpopProofs {
    public static final String TYPE = "dpop+jwt";
    /** What a client may sign its proofs with: the Secure Enclave's and Keystore's P-256, and RSA. */
    public static final List<String> ALGORITHMS = List.of("ES256", "RS256");
    private static final int MAX_PROOF = 8 * 1024;

    /** A proof that passed every check: the thumbprint of its key, and its {@code jti}. */
    public record Proof(String jkt, String jti) {
    }

    /** The request a proof must be for. {@code accessToken}: the one presented with it, or null. */
    public record Request(String method, URI uri, String accessToken) {
    }

    private final Duration lifetime;
    private final DpopNonces nonces;
    private final Clock clock;
    private final JwtParser parser;

    /** @param nonces null when server nonces are off */
    public DpopProofs(Duration lifetime, DpopNonces nonces, Clock clock) {
        this.lifetime = lifetime;
        this.nonces = nonces;
        this.clock = clock;
        this.parser = Jwts.parser().keyLocator(new ProofKey()).clock(() -> java.util.Date.from(clock.instant()))
                .build();
    }

    public Duration lifetime() {
        return lifetime;
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
        final io.jsonwebtoken.Jws<Claims> jws;
        try {
            jws = parser.parseSignedClaims(proof);
        } catch (DpopRejected e) {
            throw e;
        } catch (io.jsonwebtoken.security.SignatureException e) {
            throw new DpopRejected("signature", "the proof's signature does not verify with its jwk");
        } catch (io.jsonwebtoken.UnsupportedJwtException e) {
            throw new DpopRejected("alg", "the proof must be a JWS signed with one of " + ALGORITHMS);
        } catch (io.jsonwebtoken.MalformedJwtException | io.jsonwebtoken.security.SecurityException e) {
            // The header's JWK is read before any key is located: a private or broken one fails here.
            if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("jwk")) {
                throw new DpopRejected("jwk", "the jwk header must be a public key only");
            }
            throw new DpopRejected("malformed", "the proof is not a well-formed JWS");
        } catch (JwtException | IllegalArgumentException | ClassCastException e) {
            throw new DpopRejected("malformed", "the proof is not a well-formed JWS");
        }
        final Claims claims = jws.getPayload();
        final String htm = claims.get("htm", String.class);
        if (!request.method().equals(htm)) {
            throw new DpopRejected("htm", "htm is not this request's method");
        }
        final String htu = claims.get("htu", String.class);
        if (htu == null || !normalized(htu).equals(normalized(request.uri().toString()))) {
            throw new DpopRejected("htu", "htu is not this request's URL");
        }
        requireFresh(claims);
        if (request.accessToken() != null && !Sha256.base64url(request.accessToken()).equals(claims.get("ath",
                String.class))) {
            throw new DpopRejected("ath", "ath is not the hash of the access token sent with it");
        }
        final String jti = claims.getId();
        if (jti == null || jti.isEmpty() || jti.length() > 256) {
            throw new DpopRejected("jti", "the proof has no jti");
        }
        final String jkt = ((ProtectedHeader) jws.getHeader()).getJwk().thumbprint().toString();
        // Per key: one client's jti cannot collide with another's.
        if (!unused.test(Sha256.hex(jkt + "." + jti))) {
            throw new DpopRejected("jti", "this proof was used already");
        }
        return new Proof(jkt, jti);
    }

    /** A fresh nonce for the {@code DPoP-Nonce} header; null when nonces are off. */
    public String nonce() {
        return nonces == null ? null : nonces.issue();
    }

    private void requireFresh(Claims claims) {
        final Instant now = clock.instant();
        if (nonces != null) {
            // The time sealed in our nonce stands for the proof's: a device with a wrong clock recovers.
            final Optional<Instant> issued = nonces.issuedAt(claims.get("nonce", String.class));
            if (issued.isEmpty() || issued.get().isBefore(now.minus(DpopNonces.LIFETIME))) {
                throw new UseNonce();
            }
            return;
        }
        final java.util.Date iat = claims.getIssuedAt();
        if (iat == null || Duration.between(iat.toInstant(), now).abs().compareTo(lifetime) > 0) {
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

    /** The header's own key, once its header passed the checks a key must not be looked at before. */
    private static final class ProofKey extends LocatorAdapter<Key> {
        @Override
        protected Key locate(io.jsonwebtoken.JwsHeader header) {
            if (!TYPE.equals(header.getType())) {
                throw new DpopRejected("typ", "typ must be " + TYPE);
            }
            if (!ALGORITHMS.contains(header.getAlgorithm())) {
                throw new DpopRejected("alg", "alg must be one of " + ALGORITHMS + " (asymmetric)");
            }
            final PublicJwk<?> jwk;
            try {
                jwk = header.getJwk();
            } catch (RuntimeException e) {
                throw new DpopRejected("jwk", "the jwk header must be a public key only");
            }
            if (jwk == null) {
                throw new DpopRejected("jwk", "the proof names no jwk");
            }
            return jwk.toKey();
        }

        @Override
        protected Key doLocate(Header header) {
            throw new DpopRejected("alg", "the proof must be a JWS signed with one of " + ALGORITHMS);
        }
    }

    /** With server nonces on, a proof without a fresh nonce of ours: answered {@code use_dpop_nonce}. */
    public static final class UseNonce extends DpopRejected {
        private static final long serialVersionUID = 1L;

        UseNonce() {
            super("nonce", "the proof needs a fresh nonce from this server (DPoP-Nonce)");
        }
    }
}
