package dev.oauthapi.api;

import java.util.List;

/** {@code GET /api/profile/passkeys}: newest first. */
public record PasskeysResponse(List<PasskeyResponse> passkeys) {
}
