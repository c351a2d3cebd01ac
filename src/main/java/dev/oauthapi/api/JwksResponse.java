package dev.oauthapi.api;

import java.util.List;
import java.util.Map;

/** {@code GET /.well-known/jwks.json}: every public key that may verify a live access token. */
public record JwksResponse(List<Map<String, ?>> keys) {
}
