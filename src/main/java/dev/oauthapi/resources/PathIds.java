package dev.oauthapi.resources;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;

import java.util.UUID;

/** Ids in a path: one that is not a UUID names nothing here, so it is a 404 like an unknown one. */
final class PathIds {
    private PathIds() {
    }

    static UUID parse(String id, String notFound) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.NOT_FOUND, notFound);
        }
    }

    /** An App Attest key id: base64url without padding, 32 bytes. */
    static byte[] appAttestKey(String keyId) {
        try {
            final byte[] key = java.util.Base64.getUrlDecoder().decode(keyId);
            if (key.length == 32 && !keyId.endsWith("=")) {
                return key;
            }
        } catch (IllegalArgumentException e) {
            // not base64url: names no key
        }
        throw new ApiException(ErrorCode.NOT_FOUND, "No such live App Attest key.");
    }
}
