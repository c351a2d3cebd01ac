package dev.oauthapi.appcheck;

import dev.oauthapi.tokens.Sha256;

import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Debug tokens, for simulators, emulators and CI, which cannot attest: {@code APP_CHECK_DEBUG_TOKENS}
 * as {@code label=secret} pairs, each secret at least 32 characters. A token is found by comparing
 * its SHA-256 with every configured one in constant time, so neither its length nor its first
 * differing character shows in the time an answer takes. Never on by default.
 */
public final class DebugTokens {
    public static final int MIN_SECRET = 32;

    private final Map<String, byte[]> hashesByLabel;

    private DebugTokens(Map<String, byte[]> hashesByLabel) {
        this.hashesByLabel = Map.copyOf(hashesByLabel);
    }

    /** From {@code label=secret} entries; throws with a readable reason for one that cannot work. */
    public static DebugTokens of(List<String> entries) {
        final Map<String, byte[]> hashes = new LinkedHashMap<>();
        for (String entry : entries) {
            final int equals = entry.indexOf('=');
            if (equals <= 0 || entry.substring(equals + 1).trim().length() < MIN_SECRET) {
                throw new IllegalArgumentException("APP_CHECK_DEBUG_TOKENS: each entry is label=secret, the secret at"
                        + " least " + MIN_SECRET + " characters");
            }
            if (hashes.put(entry.substring(0, equals).trim(), Sha256.of(entry.substring(equals + 1).trim())) != null) {
                throw new IllegalArgumentException("APP_CHECK_DEBUG_TOKENS: a label appears twice");
            }
        }
        return new DebugTokens(hashes);
    }

    public boolean isEmpty() {
        return hashesByLabel.isEmpty();
    }

    /** The label of the debug token, or empty when it is none of ours. */
    public Optional<String> labelOf(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        final byte[] presented = Sha256.of(token);
        String found = null;
        for (Map.Entry<String, byte[]> entry : hashesByLabel.entrySet()) {
            // Every entry is compared, found or not: the time taken does not tell which matched.
            if (MessageDigest.isEqual(presented, entry.getValue()) && found == null) {
                found = entry.getKey();
            }
        }
        return Optional.ofNullable(found);
    }
}
