package dev.oauthapi.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.Jwts;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Apple's /auth/token and /auth/revoke on 127.0.0.1, checking every client secret the way Apple
 * does: an ES256 signature by the team's key, {@code kid}, {@code iss} the team, {@code sub} the
 * client id, {@code aud} Apple's issuer as a JSON string (not an array), a short lifetime. Codes are registered per test with the subject
 * they belong to; the revoke endpoint can be told to fail a number of times first.
 */
public final class FakeAppleTokenEndpoint implements AutoCloseable {
    public static final String TEAM_ID = "TEAM123456";
    public static final String KEY_ID = "KEY1234567";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final KeyPair teamKey;
    private final Path p8;
    private final Map<String, String> subjectsByCode = new ConcurrentHashMap<>();
    private final Map<String, Misbehaviour> misbehavingCodes = new ConcurrentHashMap<>();
    private final List<String> revokedTokens = new CopyOnWriteArrayList<>();
    private final List<String> rejections = new CopyOnWriteArrayList<>();
    private final AtomicInteger revokeFailuresLeft = new AtomicInteger();
    private final AtomicInteger issued = new AtomicInteger();

    private FakeAppleTokenEndpoint() throws Exception {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        teamKey = generator.generateKeyPair();
        p8 = Files.createTempFile("AuthKey_" + KEY_ID, ".p8");
        Files.writeString(p8, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(teamKey.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/auth/token", this::token);
        server.createContext("/auth/revoke", this::revoke);
        server.start();
    }

    public static FakeAppleTokenEndpoint start() {
        try {
            return new FakeAppleTokenEndpoint();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The APPLE_* variables that point the service here, with an encryption key for Apple's tokens. */
    public Map<String, String> environment(String encryptionKey) {
        return Map.of(
                "APPLE_TEAM_ID", TEAM_ID,
                "APPLE_KEY_ID", KEY_ID,
                "APPLE_PRIVATE_KEY_PATH", p8.toString(),
                "APPLE_TOKEN_URL", base() + "/auth/token",
                "APPLE_REVOKE_URL", base() + "/auth/revoke",
                "APPLE_TOKEN_ENCRYPTION_KEY", encryptionKey,
                "APPLE_REVOCATION_POLL_INTERVAL", "1h"); // tests run the worker through its admin task
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A code that exchanges for a refresh token of this subject. */
    public String codeFor(String subject) {
        final String code = "code-" + issued.incrementAndGet();
        subjectsByCode.put(code, subject);
        return code;
    }

    /** How the token endpoint can answer a code badly: a status with a raw body, or a body trickled forever. */
    public sealed interface Misbehaviour {
        record Raw(int status, byte[] body) implements Misbehaviour {
        }

        /** Headers at once, then one byte every 100 ms for a minute. */
        record Trickle() implements Misbehaviour {
        }
    }

    /** A code that the token endpoint answers as {@code misbehaviour} says (after checking the client secret). */
    public String codeAnswered(Misbehaviour misbehaviour) {
        final String code = "odd-code-" + issued.incrementAndGet();
        misbehavingCodes.put(code, misbehaviour);
        return code;
    }

    public void failNextRevocations(int times) {
        revokeFailuresLeft.set(times);
    }

    public List<String> revokedTokens() {
        return revokedTokens;
    }

    /** Client secrets (or requests) refused, with the reason. */
    public List<String> rejections() {
        return rejections;
    }

    private void token(HttpExchange exchange) throws IOException {
        final Map<String, String> form = FakeExchanges.form(exchange);
        if (!validSecret(form)) {
            FakeExchanges.answer(exchange, 401, Map.of("error", "invalid_client"));
            return;
        }
        final Misbehaviour misbehaviour = misbehavingCodes.remove(form.getOrDefault("code", ""));
        if (misbehaviour != null) {
            misbehave(exchange, misbehaviour);
            return;
        }
        final String subject = subjectsByCode.remove(form.getOrDefault("code", ""));
        if (subject == null || !"authorization_code".equals(form.get("grant_type"))) {
            FakeExchanges.answer(exchange, 400, Map.of("error", "invalid_grant"));
            return;
        }
        final String idToken = FakeProvider.base64url("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + FakeProvider.base64url(JSON.writeValueAsBytes(Map.of("iss", "https://appleid.apple.com",
                "aud", form.get("client_id"), "sub", subject))) + ".c2ln";
        FakeExchanges.answer(exchange, 200, Map.of("access_token", "apple-access", "token_type", "Bearer", "expires_in", 3600,
                "refresh_token", "apple-refresh-" + subject, "id_token", idToken));
    }

    private static void misbehave(HttpExchange exchange, Misbehaviour misbehaviour) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        switch (misbehaviour) {
            case Misbehaviour.Raw raw -> {
                exchange.sendResponseHeaders(raw.status(), raw.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(raw.body());
                }
            }
            case Misbehaviour.Trickle trickle -> {
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    for (int i = 0; i < 600; i++) {
                        out.write(' ');
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // the client gave up: what the test wants
                }
            }
        }
    }

    private void revoke(HttpExchange exchange) throws IOException {
        final Map<String, String> form = FakeExchanges.form(exchange);
        if (!validSecret(form)) {
            FakeExchanges.answer(exchange, 401, Map.of("error", "invalid_client"));
            return;
        }
        if (revokeFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            FakeExchanges.answer(exchange, 503, Map.of("error", "temporarily_unavailable"));
            return;
        }
        revokedTokens.add(form.get("token"));
        FakeExchanges.answer(exchange, 200, Map.of());
    }

    private boolean validSecret(Map<String, String> form) {
        try {
            final Jws<Claims> secret = Jwts.parser().verifyWith(teamKey.getPublic()).build()
                    .parseSignedClaims(form.getOrDefault("client_secret", ""));
            final Claims claims = secret.getPayload();
            final boolean valid = KEY_ID.equals(secret.getHeader().getKeyId())
                    && "ES256".equals(secret.getHeader().getAlgorithm())
                    && TEAM_ID.equals(claims.getIssuer())
                    && claims.getSubject() != null && claims.getSubject().equals(form.get("client_id"))
                    && audienceIsApplesString(form.get("client_secret"))
                    && Duration.between(Instant.now(), claims.getExpiration().toInstant()).compareTo(Duration.ofMinutes(10)) <= 0;
            if (!valid) {
                rejections.add("client secret claims: " + claims + " kid " + secret.getHeader().getKeyId());
            }
            return valid;
        } catch (RuntimeException e) {
            rejections.add("client secret: " + e.getMessage());
            return false;
        }
    }

    /**
     * Apple wants {@code "aud": "https://appleid.apple.com"}, a JSON string: libraries that sent
     * a one-element array got {@code invalid_client}. Read off the raw payload, as Apple does,
     * because a JWT library would accept either form.
     */
    private static boolean audienceIsApplesString(String jwt) {
        try {
            final var aud = JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1])).path("aud");
            return aud.isTextual() && aud.asText().equals("https://appleid.apple.com");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public URI revokeUrl() {
        return URI.create(base() + "/auth/revoke");
    }

    @Override
    public void close() {
        server.stop(0);
        try {
            Files.deleteIfExists(p8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
