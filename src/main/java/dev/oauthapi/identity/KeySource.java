package dev.oauthapi.identity;

import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.JwkSet;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;

import java.util.HashMap;
import java.util.Map;

/** Where a verifier finds a provider's public key for a key id. */
public interface KeySource {
    /**
     * @return the key, or {@code null} when the provider has no key of that id
     * @throws ProviderUnavailable when the keys cannot be had to tell
     */
    ProviderKey find(String keyId);

    /** Parses a JWKS document into public keys by key id; keys of unsupported types are skipped. */
    static Map<String, ProviderKey> parse(String json) {
        final JwkSet set = Jwks.setParser().ignoreUnsupported(true).build().parse(json);
        final Map<String, ProviderKey> keys = new HashMap<>();
        for (Jwk<?> jwk : set.getKeys()) {
            if (jwk instanceof PublicJwk<?> publicJwk && jwk.getId() != null) {
                keys.put(jwk.getId(), new ProviderKey(jwk.getId(), publicJwk.toKey(), jwk.getAlgorithm()));
            }
        }
        return Map.copyOf(keys);
    }

    /** A fixed set of keys: a JWKS file given to {@code check-id-token}, or a test's keys. */
    static KeySource of(String jwksJson) {
        final Map<String, ProviderKey> keys = parse(jwksJson);
        return keys::get;
    }
}
