package dev.oauthapi.resources;

import dev.oauthapi.admin.Page;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.text.StorableText;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/**
 * Query parameters of the admin lists, read as text and parsed here: JAX-RS would answer a
 * malformed number or UUID with a bare 404, and the contract wants {@code 400 invalid_request}
 * naming the parameter. An empty parameter is an absent one.
 */
final class QueryParams {
    /** Longer than any e-mail address: a search term beyond it can match nothing. */
    private static final int MAX_TEXT = 320;
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant AFTER_LATEST = Instant.parse("+10000-01-01T00:00:00Z");

    private QueryParams() {
    }

    static int limit(String value) {
        if (absent(value)) {
            return Page.DEFAULT_LIMIT;
        }
        try {
            final int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= Page.MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // refused below, like one out of range
        }
        throw invalid("limit", "must be a whole number from 1 to " + Page.MAX_LIMIT);
    }

    static UUID uuid(String name, String value) {
        if (absent(value)) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw invalid(name, "must be a UUID");
        }
    }

    static Instant instant(String name, String value) {
        if (absent(value)) {
            return null;
        }
        final Instant instant;
        try {
            instant = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw invalid(name, "must be an ISO-8601 instant such as 2026-11-25T20:52:08Z");
        }
        // Instant goes from year -1e9 to 1e9, PostgreSQL from 4713 BC to 294276 AD: keep to what both read alike.
        if (instant.isBefore(EARLIEST) || !instant.isBefore(AFTER_LATEST)) {
            throw invalid(name, "must be within the years 0001 to 9999");
        }
        return instant;
    }

    static Boolean bool(String name, String value) {
        if (absent(value)) {
            return null;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(name, "must be true or false");
        };
    }

    static String oneOf(String name, String value, List<String> allowed) {
        if (absent(value)) {
            return null;
        }
        if (!allowed.contains(value)) {
            throw invalid(name, "must be one of " + String.join(", ", allowed));
        }
        return value;
    }

    static String text(String name, String value) {
        if (absent(value)) {
            return null;
        }
        if (value.length() > MAX_TEXT) {
            throw invalid(name, "must be at most " + MAX_TEXT + " characters");
        }
        if (!StorableText.isStorable(value)) {
            throw invalid(name, StorableText.NOT_STORABLE);
        }
        return value;
    }

    private static boolean absent(String value) {
        return value == null || value.isEmpty();
    }

    private static ApiException invalid(String name, String rule) {
        return new ApiException(ErrorCode.INVALID_REQUEST, name + ": " + rule + ".");
    }
}
