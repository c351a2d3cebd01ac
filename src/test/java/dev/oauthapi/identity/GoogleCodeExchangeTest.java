package dev.oauthapi.identity;

import dev.oauthapi.errors.ApiException;
import dev.oauthapi.testing.FakeGoogleOAuth;
import dev.oauthapi.testing.FakeProvider;
import dev.oauthapi.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The code exchange with Google logs none of its secrets, whatever the level: google-http-client
 * logs whole requests and answers to java.util.logging at CONFIG, which Dropwizard's logging turns
 * on with {@code LOG_LEVEL=DEBUG} or {@code POST /tasks/log-level}.
 */
class GoogleCodeExchangeTest {
    static final FakeProvider GOOGLE = FakeProvider.start(dev.oauthapi.identity.Provider.GOOGLE);
    static final FakeGoogleOAuth OAUTH = FakeGoogleOAuth.start(GOOGLE, "web.apps.googleusercontent.com",
            "secret-never-logged", MutableClock.startingNow());

    @AfterAll
    static void stop() {
        OAUTH.close();
        GOOGLE.close();
    }

    @Test
    void atTheMostVerboseLevelNoSecretReachesTheLog() {
        final Logger transport = Logger.getLogger("com.google.api.client.http.HttpTransport");
        final List<String> logged = new CopyOnWriteArrayList<>();
        final Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(String.valueOf(record.getMessage()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        final Level before = transport.getLevel();
        transport.setLevel(Level.ALL);
        transport.addHandler(capture);
        try {
            final GoogleCodeExchange exchange = new GoogleCodeExchange(URI.create(OAUTH.baseUrl() + "/token"),
                    "web.apps.googleusercontent.com", "secret-never-logged");

            assertThatThrownBy(() -> exchange.idToken("4/code-never-logged", URI.create("https://api.example/cb"),
                    "verifier-never-logged-0123456789012345678901234567890")).isInstanceOf(ApiException.class);
        } finally {
            transport.removeHandler(capture);
            transport.setLevel(before);
        }

        assertThat(String.join("\n", logged)).doesNotContain("secret-never-logged").doesNotContain("code-never-logged")
                .doesNotContain("verifier-never-logged");
    }
}
