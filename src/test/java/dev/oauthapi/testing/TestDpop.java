package dev.oauthapi.testing;

import dev.oauthapi.tokens.Sha256;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.UUID;

/**
 * DPoP proofs as a client makes them (RFC 9449 §4.2): a P-256 key, the proof's JWT signed with it,
 * its public key in the header, with jjwt. {@code base} is the service's {@code PUBLIC_BASE_URL}.
 */
public final class TestDpop {
    private TestDpop() {
    }

    public static KeyPair key() {
        try {
            final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A proof for {@code method} and {@code base + path}; with {@code accessToken}, its {@code ath}; with {@code nonce}, ours. */
    public static String proof(KeyPair key, String method, String base, String path, String accessToken, String nonce) {
        return proof(key, method, base, path, accessToken, nonce, java.time.Instant.now());
    }

    /** As above, made at {@code iat}: a service running on a test clock. */
    public static String proof(KeyPair key, String method, String base, String path, String accessToken, String nonce,
                               java.time.Instant iat) {
        final var builder = Jwts.builder().header().type("dpop+jwt").add("jwk", Jwks.builder().key(key.getPublic())
                        .build()).and()
                .id(UUID.randomUUID().toString()).claim("htm", method).claim("htu", base + path).issuedAt(Date.from(iat));
        if (accessToken != null) {
            builder.claim("ath", Sha256.base64url(accessToken));
        }
        if (nonce != null) {
            builder.claim("nonce", nonce);
        }
        return builder.signWith(key.getPrivate(), Jwts.SIG.ES256).compact();
    }

    /** The key's RFC 7638 thumbprint: what {@code cnf.jkt} names. */
    public static String thumbprint(KeyPair key) {
        return Jwks.builder().key(key.getPublic()).build().thumbprint().toString();
    }
}
