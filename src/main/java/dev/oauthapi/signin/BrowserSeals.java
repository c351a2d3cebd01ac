package dev.oauthapi.signin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.identity.VerifiedIdToken;
import dev.oauthapi.tokens.ServerSeal;
import dev.oauthapi.tokens.Sha256;
import io.dropwizard.jackson.Jackson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * What the browser sign-in hands out, sealed with a key every instance shares: the {@code state}
 * the provider carries (the pending authorization itself, so it costs no memory until it comes
 * back), and the grant behind a one-time code (kept in Redis, bound to its code's hash, so a value
 * written there by anyone else is no grant). Each has its own purpose in the seal.
 */
final class BrowserSeals {
    /** Far above what a sealed pending authorization takes (under 1,000 characters). */
    private static final int MAX_STATE = 2048;
    private static final byte[] STATE_PURPOSE = "oauth-api web-state v1".getBytes(StandardCharsets.US_ASCII);
    private static final String GRANT_PURPOSE = "oauth-api web-grant v1 ";
    private static final ObjectMapper JSON = Jackson.newObjectMapper();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /**
     * What a state stands for until the provider sends the browser back. {@code clientId} and
     * {@code dpopJkt} are an OAuth client's ({@code /oauth/authorize}); null for the JSON API's flow.
     */
    record Pending(Provider provider, String redirectUri, String codeChallenge, String appState, String nonce,
                   String googleVerifier, Instant expiresAt, String clientId, String dpopJkt) {
        boolean isOAuth() {
            return clientId != null;
        }
    }

    /**
     * What a one-time code stands for until the app exchanges it: {@code redirectUri} is the one
     * Apple's code was issued for, {@code clientRedirectUri} the app's; an OAuth client's code also
     * names the client and the key it is bound to.
     */
    record Grant(VerifiedIdToken token, String fullName, String appleCode, String redirectUri, String codeChallenge,
                 Instant expiresAt, String clientId, String clientRedirectUri, String dpopJkt) {
    }

    private final ServerSeal seal;
    private final SecureRandom random;

    BrowserSeals(ServerSeal seal, SecureRandom random) {
        this.seal = seal;
        this.random = random;
    }

    String state(Pending pending) {
        return BASE64URL.encodeToString(seal.seal(STATE_PURPOSE, write(pending)));
    }

    /** The pending authorization of a state we sealed; empty for anything else. */
    Optional<Pending> pending(String state) {
        return Optional.ofNullable(state)
                .filter(value -> value.length() <= MAX_STATE)
                .flatMap(BrowserSeals::decode)
                .flatMap(sealed -> seal.open(STATE_PURPOSE, sealed))
                .map(plain -> read(plain, Pending.class));
    }

    /** 128 bits of the state's hash name it in Redis: as unique, and half the memory of all 256 in hex. */
    static String stateKey(String state) {
        return BASE64URL.encodeToString(Arrays.copyOf(Sha256.of(state), 16));
    }

    String grant(String codeHash, Grant grant) {
        return BASE64URL.encodeToString(seal.seal(grantPurpose(codeHash), write(grant)));
    }

    /** The grant stored for a code; empty when we did not seal it for that code. */
    Optional<Grant> grant(String codeHash, String stored) {
        return decode(stored).flatMap(sealed -> seal.open(grantPurpose(codeHash), sealed))
                .map(plain -> read(plain, Grant.class));
    }

    /** Whether a PKCE code verifier is well formed and hashes to the challenge (S256, RFC 7636 §4.6). */
    static boolean proves(String codeVerifier, String codeChallenge) {
        return codeVerifier != null && codeVerifier.matches("[A-Za-z0-9._~-]{43,128}")
                && MessageDigest.isEqual(Sha256.base64url(codeVerifier).getBytes(StandardCharsets.US_ASCII),
                codeChallenge.getBytes(StandardCharsets.US_ASCII));
    }

    /** 256 random bits, BASE64URL: nonces, PKCE verifiers and one-time codes. */
    String secret() {
        final byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    private static byte[] grantPurpose(String codeHash) {
        return (GRANT_PURPOSE + codeHash).getBytes(StandardCharsets.US_ASCII);
    }

    private static Optional<byte[]> decode(String base64url) {
        try {
            return Optional.of(Base64.getUrlDecoder().decode(base64url));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(byte[] stored, Class<T> type) {
        try {
            return JSON.readValue(stored, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
