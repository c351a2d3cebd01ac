package dev.oauthapi.appcheck;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Turns a Play Integrity token into its payload: by Google ({@code PLAY_INTEGRITY_DECODE=google})
 * or on our side with the app's Play Console keys ({@code local}). A token that does not decode is
 * {@link AppCheckRejected}; Google out of reach is {@code 503 provider_unavailable}, never a
 * refusal of a genuine app.
 */
interface IntegrityDecoder {
    JsonNode decode(String packageName, String integrityToken);
}
