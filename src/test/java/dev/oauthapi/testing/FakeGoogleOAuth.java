package dev.oauthapi.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Google's OAuth authorization and token endpoints on 127.0.0.1, as strict as Google: the
 * authorization request must be a code request of our web client with a PKCE S256 challenge and a
 * nonce; the token request must carry that client's secret, the same redirect URI, and the
 * verifier of the challenge; a code works once. The user "consents" at once: the account is the
 * {@code login_hint} of the request (an e-mail), else one registered with {@link #nextAccount}.
 * ID tokens are signed by the {@link FakeProvider}'s key, whose JWKS the service fetches.
 */
public final class FakeGoogleOAuth implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Issued(String subject, String email, String name, String nonce, String challenge,
                          String redirectUri) {
    }

    private final HttpServer server;
    private final FakeProvider google;
    private final String clientId;
    private final String clientSecret;
    private final Clock clock;
    private final Map<String, Issued> codes = new ConcurrentHashMap<>();
    private final List<String> rejections = new CopyOnWriteArrayList<>();
    private volatile String nextEmail = "web-user@gmail.com";
    private volatile String nextName = "Web User";

    private FakeGoogleOAuth(FakeProvider google, String clientId, String clientSecret, Clock clock) throws IOException {
        this.google = google;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.clock = clock;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/o/oauth2/v2/auth", this::authorize);
        server.createContext("/token", this::token);
        server.start();
    }

    public static FakeGoogleOAuth start(FakeProvider google, String clientId, String clientSecret, Clock clock) {
        try {
            return new FakeGoogleOAuth(google, clientId, clientSecret, clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The variables that point the service's Google web sign-in here. */
    public Map<String, String> environment() {
        final String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of("GOOGLE_WEB_CLIENT_ID", clientId, "GOOGLE_WEB_CLIENT_SECRET", clientSecret,
                "GOOGLE_AUTHORIZATION_URL", base + "/o/oauth2/v2/auth", "GOOGLE_TOKEN_URL", base + "/token");
    }

    /** The account the next consent signs in. */
    public void nextAccount(String email, String name) {
        nextEmail = email;
        nextName = name;
    }

    /** What the fake refused, and why (a test asserts it stays empty). */
    public List<String> rejections() {
        return List.copyOf(rejections);
    }

    private void authorize(HttpExchange exchange) throws IOException {
        final Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        final String problem = !"code".equals(query.get("response_type")) ? "response_type must be code"
                : !clientId.equals(query.get("client_id")) ? "unknown client_id"
                : query.get("redirect_uri") == null ? "redirect_uri missing"
                : !"S256".equals(query.get("code_challenge_method")) || query.get("code_challenge") == null
                        ? "PKCE S256 required"
                : query.get("nonce") == null ? "nonce missing"
                : !String.valueOf(query.get("scope")).contains("openid") ? "scope must include openid" : null;
        if (problem != null) {
            rejections.add("authorize: " + problem);
            respond(exchange, 400, "text/plain", problem);
            return;
        }
        final String code = "4/" + UUID.randomUUID();
        final String email = query.getOrDefault("login_hint", nextEmail);
        codes.put(code, new Issued("g-" + Math.abs(email.hashCode()), email, nextName, query.get("nonce"),
                query.get("code_challenge"), query.get("redirect_uri")));
        exchange.getResponseHeaders().add("Location", query.get("redirect_uri") + "?code="
                + URLEncoder.encode(code, StandardCharsets.UTF_8) + "&state="
                + URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8));
        respond(exchange, 302, "text/plain", "");
    }

    private void token(HttpExchange exchange) throws IOException {
        final Map<String, String> body = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        final Issued issued = body.get("code") == null ? null : codes.remove(body.get("code"));
        final String problem = !"POST".equals(exchange.getRequestMethod()) ? "POST only"
                : !"authorization_code".equals(body.get("grant_type")) ? "grant_type"
                : issued == null ? "invalid_grant: unknown or used code"
                : !clientId.equals(body.get("client_id")) || !clientSecret.equals(body.get("client_secret"))
                        ? "invalid_client"
                : !issued.redirectUri().equals(body.get("redirect_uri")) ? "invalid_grant: redirect_uri mismatch"
                : body.get("code_verifier") == null || !s256(body.get("code_verifier")).equals(issued.challenge())
                        ? "invalid_grant: code_verifier" : null;
        if (problem != null) {
            rejections.add("token: " + problem);
            respond(exchange, problem.startsWith("invalid_client") ? 401 : 400, "application/json",
                    JSON.writeValueAsString(Map.of("error", problem.split(":")[0])));
            return;
        }
        final String idToken = google.token(clientId, issued.subject()).at(clock.instant())
                .email(issued.email(), true).claim("name", issued.name()).claim("nonce", issued.nonce())
                .claim("azp", clientId).build();
        respond(exchange, 200, "application/json", JSON.writeValueAsString(Map.of("access_token", "ya29.fake",
                "expires_in", 3599, "token_type", "Bearer", "scope", "openid email profile", "id_token", idToken)));
    }

    /** An application/x-www-form-urlencoded body; the other fakes read theirs with it too. */
    static Map<String, String> form(String encoded) {
        final Map<String, String> values = new HashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return values;
        }
        for (String pair : encoded.split("&")) {
            final int equals = pair.indexOf('=');
            if (equals > 0) {
                values.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
