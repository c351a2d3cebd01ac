package dev.oauthapi.testing;

import com.fasterxml.jackson.databind.ObjectMapper;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds JWTs by hand, so that a test can make any token an attacker could: other algorithms,
 * forbidden headers, foreign keys, odd claims.
 */
public final class TestTokens {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestTokens() {
    }

    public static Builder builder(FakeProvider.SigningKey key) {
        return new Builder(key);
    }

    public static final class Builder {
        private final Map<String, Object> header = new LinkedHashMap<>();
        private final Map<String, Object> claims = new LinkedHashMap<>();
        private PrivateKey signingKey;
        private Instant now = Instant.now();

        private Builder(FakeProvider.SigningKey key) {
            header.put("alg", "RS256");
            header.put("kid", key.keyId());
            header.put("typ", "JWT");
            signingKey = key.pair().getPrivate();
        }

        /** The time the relative setters count from (default: now). */
        public Builder at(Instant instant) {
            final long shift = instant.getEpochSecond() - now.getEpochSecond();
            now = instant;
            for (String claim : new String[] {"iat", "exp", "nbf"}) {
                if (claims.get(claim) instanceof Long value) {
                    claims.put(claim, value + shift);
                }
            }
            return this;
        }

        public Builder header(String name, Object value) {
            if (value == null) {
                header.remove(name);
            } else {
                header.put(name, value);
            }
            return this;
        }

        public Builder claim(String name, Object value) {
            if (value == null) {
                claims.remove(name);
            } else {
                claims.put(name, value);
            }
            return this;
        }

        public Builder issuedSecondsAgo(long seconds) {
            return claim("iat", now.getEpochSecond() - seconds);
        }

        public Builder expiresInSeconds(long seconds) {
            return claim("exp", now.getEpochSecond() + seconds);
        }

        public Builder email(String email, Object verified) {
            return claim("email", email).claim("email_verified", verified);
        }

        public Builder signedBy(FakeProvider.SigningKey key) {
            signingKey = key.pair().getPrivate();
            return this;
        }

        /** RS256 over the header and claims as built. */
        public String build() {
            final String signingInput = encode(header) + "." + encode(claims);
            try {
                final Signature rsa = Signature.getInstance("SHA256withRSA");
                rsa.initSign(signingKey);
                rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
                return signingInput + "." + FakeProvider.base64url(rsa.sign());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** {@code alg: none} with an empty signature. */
        public String buildUnsigned() {
            header.put("alg", "none");
            return encode(header) + "." + encode(claims) + ".";
        }

        /** HS256 keyed with {@code secret}: the classic confusion attack uses the public key's bytes. */
        public String buildHmac(byte[] secret) {
            header.put("alg", "HS256");
            final String signingInput = encode(header) + "." + encode(claims);
            try {
                final Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                return signingInput + "." + FakeProvider.base64url(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String encode(Map<String, Object> json) {
            try {
                return FakeProvider.base64url(JSON.writeValueAsBytes(json));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
