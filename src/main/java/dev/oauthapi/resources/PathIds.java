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
}
