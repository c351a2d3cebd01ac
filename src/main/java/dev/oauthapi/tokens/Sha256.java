package dev.oauthapi.tokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** SHA-256 of text (its UTF-8 bytes) or bytes, as the service stores and compares it. */
public final class Sha256 {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private Sha256() {
    }

    public static byte[] of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] of(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Lower-case hex: how hashes of tokens, codes and nonces name their rows and keys. */
    public static String hex(String text) {
        return HexFormat.of().formatHex(of(text));
    }

    /** Base64url without padding: PKCE's S256 (RFC 7636 §4.2). */
    public static String base64url(String text) {
        return BASE64URL.encodeToString(of(text));
    }
}
