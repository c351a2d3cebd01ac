package dev.oauthapi.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.oauthapi.text.StorableText;

import java.io.IOException;

/**
 * Every string member of every request body is checked as it is read: one PostgreSQL cannot store
 * (a NUL, an unpaired surrogate) fails the request as {@code 400 invalid_request} naming the
 * member, instead of failing later as a 500 from the database. One place, so that a new request
 * member cannot forget it.
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
            final String value = StringDeserializer.instance.deserialize(parser, context);
            if (value != null && !StorableText.isStorable(value)) {
                throw context.weirdStringException(value, String.class, StorableText.NOT_STORABLE);
            }
            return value;
        }
    }
}
