package dev.oauthapi.api;

/** {@code POST /api/auth/nonce}: a single-use nonce and its lifetime in seconds. */
public record NonceResponse(String nonce, long expiresIn) {
}
