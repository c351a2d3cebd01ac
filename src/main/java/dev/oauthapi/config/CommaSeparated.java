package dev.oauthapi.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;

/** A comma-separated environment value ({@code a, b,c}) read as a list; blanks are dropped. */
public record CommaSeparated(List<String> values) {
    public CommaSeparated {
        values = List.copyOf(values);
    }

    @JsonCreator
    public static CommaSeparated parse(String text) {
        if (text == null) {
            return new CommaSeparated(List.of());
        }
        return new CommaSeparated(Arrays.stream(text.split(","))
                .map(String::trim)
                .filter(value -> !value.isEmpty())
                .distinct()
                .toList());
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    @JsonValue
    @Override
    public String toString() {
        return String.join(",", values);
    }
}
