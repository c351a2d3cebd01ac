package dev.oauthapi.passkeys;

import java.util.Base64;

/**
 * Binary members of WebAuthn JSON as real clients send them: base64url with or without padding
 * (browsers, Android), or standard base64 (iOS apps that encode by hand). Our own output is always
 * base64url without padding.
 */
final class WebAuthnBase64 {
    private WebAuthnBase64() {
    }

    /** The bytes of {@code value}; refused as {@code malformed}, naming {@code member}, when absent or not base64. */
    static byte[] decode(String member, String value) {
        if (value == null || value.isEmpty()) {
            throw new PasskeyRejected("malformed", member + " is missing");
        }
        try {
            // One alphabet: the URL-safe one; padding is optional to Java's decoder.
            return Base64.getUrlDecoder().decode(value.replace('+', '-').replace('/', '_'));
        } catch (IllegalArgumentException e) {
            throw new PasskeyRejected("malformed", member + " is not base64");
        }
    }
}
