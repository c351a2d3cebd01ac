package dev.oauthapi.testing;

import dev.oauthapi.testing.TestHttp.Answer;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The browser's part of a redirect flow, played by a test: it follows each redirect by hand. */
public final class TestBrowser {
    private static final HttpClient BROWSER = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private TestBrowser() {
    }

    /** An app's PKCE pair (RFC 7636, S256). */
    public record Pkce(String verifier, String challenge) {
        public static Pkce fresh() {
            final String verifier = UUID.randomUUID() + "-" + UUID.randomUUID();
            try {
                return new Pkce(verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(
                        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII))));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A URI's query parameters, decoded. */
    public static Map<String, String> query(URI uri) {
        final Map<String, String> values = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                final int equals = pair.indexOf('=');
                values.put(pair.substring(0, equals), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    /** Where a redirect sends the browser. */
    public static URI location(Answer answer) {
        assertThat(answer.status()).as(answer.toString()).isIn(302, 303);
        return URI.create(answer.header("Location"));
    }

    /** The browser at a provider that consents at once (a fake Google): back to our callback. */
    public static URI through(URI provider) throws Exception {
        final HttpResponse<String> consent = BROWSER.send(HttpRequest.newBuilder(provider).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(consent.statusCode()).as(consent.body()).isEqualTo(302);
        return URI.create(consent.headers().firstValue("Location").orElseThrow());
    }

    /** Our callback, reached on this test's port whatever {@code PUBLIC_BASE_URL} says. */
    public static Answer callback(TestHttp http, URI callback) {
        return http.get(callback.getRawPath() + "?" + callback.getRawQuery(), null);
    }
}
