package dev.oauthapi.identity;

import java.security.PublicKey;

/** One key a provider signs with, by key id; {@code algorithm} is the JWK's {@code alg}, if it names one. */
public record ProviderKey(String keyId, PublicKey key, String algorithm) {
}
