package dev.oauthapi.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.oauthapi.text.StorableText;

import java.io.IOException;

/**
 * Every string member of every request body is checked as it is read: it must be a JSON string
 * (not a number or a boolean coerced to text), and one PostgreSQL cannot store (a NUL, an unpaired
 * surrogate) fails the request as {@code 400 invalid_request} naming the member, instead of
 * failing later as a 500 from the database. One place, so that a new request member cannot
 * forget it.
 */
public final class StorableTextModule extends SimpleModule {
    private static final long serialVersionUID = 1L;

    public StorableTextModule() {
        super("storable-text");
        addDeserializer(String.class, new Strings());
    }

    private static final class Strings extends StdScalarDeserializer<String> {
        private static final long serialVersionUID = 1L;

        Strings() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (!parser.hasToken(JsonToken.VALUE_STRING)) {
                // A number, a boolean, an array or an object where text belongs is a client bug
                // to report, not something to turn into text ("123", "true") and store.
                return (String) context.handleUnexpectedToken(String.class, parser);
            }
            final String value = parser.getText();
            if (!StorableText.isStorable(value)) {
                throw context.weirdStringException(value, String.class, StorableText.NOT_STORABLE);
            }
            return value;
        }
    }
}
