package dev.oauthapi.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.oauthapi.identity.Provider;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Google's or Apple's sign-in, with real cryptography: its own RSA keys, a JWKS
 * served over HTTP on 127.0.0.1, and tokens signed per test case. It can rotate keys, count key
 * fetches, fail them, or stall them.
 */
public final class FakeProvider implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Provider provider;
    private final HttpServer server;
    private final AtomicInteger keyFetches = new AtomicInteger();
    private final List<SigningKey> published = new ArrayList<>();
    private volatile int failWithStatus;
    private volatile long stallMillis;
    private volatile byte[] body;

    /** One of the provider's keys. */
    public record SigningKey(String keyId, KeyPair pair) {
    }

    private FakeProvider(Provider provider) throws IOException {
        this.provider = provider;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/keys", exchange -> {
            keyFetches.incrementAndGet();
            try (exchange) {
                if (stallMillis > 0) {
                    sleep(stallMillis);
                }
                if (failWithStatus != 0) {
                    exchange.sendResponseHeaders(failWithStatus, -1);
                    return;
                }
                final byte[] answer = body != null ? body : jwks().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            } catch (IOException clientGone) {
                // the verifier gave up (a timeout test): nothing left to answer
            }
        });
        server.start();
        rotate();
    }

    public static FakeProvider start(Provider provider) {
        try {
            return new FakeProvider(provider);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Provider provider() {
        return provider;
    }

    public URI jwksUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/keys");
    }

    /** Publishes a new key, which signs from now on; the older ones stay published. */
    public synchronized SigningKey rotate() {
        final SigningKey key = newKey(provider.wireName() + "-key-" + (published.size() + 1));
        published.add(key);
        return key;
    }

    public synchronized SigningKey currentKey() {
        return published.getLast();
    }

    /** A key that is not published anywhere. */
    public static SigningKey newKey(String keyId) {
        try {
            final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new SigningKey(keyId, generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized String jwks() {
        final List<Map<String, Object>> keys = new ArrayList<>();
        for (SigningKey key : published) {
            final RSAPublicKey rsa = (RSAPublicKey) key.pair().getPublic();
            final Map<String, Object> jwk = new LinkedHashMap<>();
            jwk.put("kty", "RSA");
            jwk.put("kid", key.keyId());
            jwk.put("use", "sig");
            jwk.put("alg", "RS256");
            jwk.put("n", base64url(unsigned(rsa.getModulus().toByteArray())));
            jwk.put("e", base64url(unsigned(rsa.getPublicExponent().toByteArray())));
            keys.add(jwk);
        }
        try {
            return JSON.writeValueAsString(Map.of("keys", keys));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A token with sensible claims for {@code audience}, signed by the current key; change what the case needs. */
    public TestTokens.Builder token(String audience, String subject) {
        return TestTokens.builder(currentKey())
                .claim("iss", provider.issuers().stream().filter(issuer -> issuer.startsWith("https://")).findFirst().orElseThrow())
                .claim("aud", audience)
                .claim("sub", subject)
                .issuedSecondsAgo(5)
                .expiresInSeconds(3600);
    }

    public int keyFetches() {
        return keyFetches.get();
    }

    public void failWith(int status) {
        this.failWithStatus = status;
    }

    public void stall(long millis) {
        this.stallMillis = millis;
    }

    public void serve(byte[] body) {
        this.body = body;
    }

    public void heal() {
        failWithStatus = 0;
        stallMillis = 0;
        body = null;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static byte[] unsigned(byte[] bytes) {
        return bytes.length > 1 && bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    static String base64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis); // simulating a slow network peer, not waiting for time to pass
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
