package dev.oauthapi.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A configuration value that must never reach a log line or an error message: {@code toString()}
 * prints {@code [REDACTED]}; only {@link #reveal()} gives the value, at the one place that needs it.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value == null ? "" : value;
    }

    @JsonCreator
    public static Secret of(String value) {
        return new Secret(value);
    }

    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @JsonValue
    String redactedForSerialization() {
        return toString();
    }

    @Override
    public String toString() {
        return "[REDACTED]";
    }
}
