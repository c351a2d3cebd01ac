package dev.oauthapi.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Google Play Integrity's {@code decodeIntegrityToken} and Google's OAuth token endpoint for
 * service accounts, on 127.0.0.1, as strict as the real ones: the token endpoint takes only a
 * JWT-bearer assertion RS256-signed by this fake's service-account key (right {@code kid},
 * {@code iss}, {@code aud}, a lifetime of at most an hour); the decode endpoint takes only an
 * access token it issued for the Play Integrity scope, and decodes a token only for the package it
 * was minted for. Errors have Google's shapes, so Google's own client reacts to them as in
 * production. Tokens are opaque, as Google's are to the service; {@link #mint} registers one.
 */
public final class FakePlayIntegrity implements AutoCloseable {
    public static final String SCOPE = "https://www.googleapis.com/auth/playintegrity";
    /** What google-auth-library puts in {@code aud} whatever the file's token_uri says. */
    private static final String GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
    private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final Pattern DECODE_PATH = Pattern.compile("/v1/([^/:]+):decodeIntegrityToken");
    private static final Duration SKEW = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Minted(String packageName, byte[] payloadJson) {
    }

    private record AccessGrant(Instant expires, List<String> scopes) {
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final KeyPair accountKey = rsa();
    private final String keyId = HexFormat.of().formatHex(random(20));
    private final String clientId = String.valueOf(100_000_000_000_000_000L + RANDOM.nextLong(800_000_000_000_000_000L));
    private final Map<String, Minted> minted = new ConcurrentHashMap<>();
    private final Map<String, AccessGrant> accessTokens = new ConcurrentHashMap<>();
    private final List<String> rejections = new CopyOnWriteArrayList<>();
    private final AtomicInteger decodeCalls = new AtomicInteger();
    private volatile int failWithStatus;
    private volatile Duration delay = Duration.ZERO;

    private FakePlayIntegrity() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", this::token);
        server.createContext("/v1/", this::decode);
        // a hanging decode must not hold up the token endpoint, as it would on one dispatcher thread
        server.setExecutor(handlers);
        server.start();
    }

    public static FakePlayIntegrity start() {
        try {
            return new FakePlayIntegrity();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The root URL for Google's client ({@code PlayIntegrity.Builder#setRootUrl}). */
    public String rootUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    public String tokenUri() {
        return rootUrl() + "token";
    }

    public String clientEmail() {
        return "play-integrity@fake-project-4711.iam.gserviceaccount.com";
    }

    /** This Google's service-account key file, as the Cloud Console downloads it. */
    public Path writeCredentials(Path dir) {
        return write(dir.resolve("service-account.json"), clientEmail(), keyId, accountKey.getPrivate());
    }

    /**
     * The same account and key id with a key Google never issued (a forged file, or a key deleted
     * in the console): its assertions must fail the signature check.
     */
    public Path writeForgedCredentials(Path dir) {
        return write(dir.resolve("forged-service-account.json"), clientEmail(), keyId, rsa().getPrivate());
    }

    /** Registers an integrity token of {@code packageName} that decodes to {@code payload} as it is now. */
    public String mint(String packageName, Map<String, Object> payload) {
        final String token = FakeProvider.base64url(random(96));
        try {
            minted.put(token, new Minted(packageName, JSON.writeValueAsBytes(payload)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return token;
    }

    /** Every request that reached the decode endpoint, refused or not. */
    public int decodeCalls() {
        return decodeCalls.get();
    }

    /** Answers every decode with this status and Google's error body (0: answer normally). */
    public void failWith(int status) {
        failWithStatus = status;
    }

    /** Holds every decode this long before answering (a slow Google; the client should give up first). */
    public void delay(Duration duration) {
        delay = duration;
    }

    public void heal() {
        failWithStatus = 0;
        delay = Duration.ZERO;
    }

    /** What the fake refused, and why. */
    public List<String> rejections() {
        return List.copyOf(rejections);
    }

    /**
     * A verdict for a genuine app on a genuine device, shaped as Google documents it (int64 fields
     * as decimal strings); mutable all the way down, so a test can spoil one verdict.
     */
    public static Map<String, Object> genuinePayload(String packageName, String certificateSha256Base64Url,
                                                     String nonceOrNull, String requestHashOrNull, long timestampMillis) {
        final Map<String, Object> request = new LinkedHashMap<>();
        request.put("requestPackageName", packageName);
        if (nonceOrNull != null) {
            request.put("nonce", nonceOrNull);
        }
        if (requestHashOrNull != null) {
            request.put("requestHash", requestHashOrNull);
        }
        request.put("timestampMillis", Long.toString(timestampMillis));
        final Map<String, Object> app = new LinkedHashMap<>();
        app.put("appRecognitionVerdict", "PLAY_RECOGNIZED");
        app.put("packageName", packageName);
        app.put("certificateSha256Digest", new ArrayList<>(List.of(certificateSha256Base64Url)));
        app.put("versionCode", "42");
        final Map<String, Object> device = new LinkedHashMap<>();
        device.put("deviceRecognitionVerdict", new ArrayList<>(List.of("MEETS_DEVICE_INTEGRITY")));
        final Map<String, Object> account = new LinkedHashMap<>();
        account.put("appLicensingVerdict", "LICENSED");
        final Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("requestDetails", request);
        payload.put("appIntegrity", app);
        payload.put("deviceIntegrity", device);
        payload.put("accountDetails", account);
        return payload;
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            final Map<String, String> form = FakeGoogleOAuth.form(new String(body(exchange), StandardCharsets.UTF_8));
            if (!"POST".equals(exchange.getRequestMethod()) || !JWT_BEARER.equals(form.get("grant_type"))) {
                oauthError(exchange, 400, "unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type"));
                return;
            }
            final Jws<Claims> assertion;
            try {
                // the account has one key; an assertion signed by any other fails here, as at Google
                assertion = Jwts.parser().verifyWith(accountKey.getPublic()).clockSkewSeconds(SKEW.toSeconds())
                        .build().parseSignedClaims(String.valueOf(form.get("assertion")));
            } catch (ExpiredJwtException e) {
                oauthError(exchange, 400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes)"
                        + " and in a reasonable timeframe. Check your iat and exp values in the JWT claim.");
                return;
            } catch (JwtException | IllegalArgumentException e) {
                oauthError(exchange, 400, "invalid_grant", "Invalid JWT Signature.");
                return;
            }
            final Claims claims = assertion.getPayload();
            final Instant now = Instant.now();
            final String scope = claims.get("scope", String.class);
            final String problem = !"RS256".equals(assertion.getHeader().getAlgorithm()) ? "Invalid JWT Signature."
                    : !keyId.equals(assertion.getHeader().getKeyId()) ? "Invalid JWT Signature."
                    : !clientEmail().equals(claims.getIssuer()) ? "Invalid grant: account not found"
                    : claims.getAudience() == null || claims.getAudience().size() != 1
                            || !List.of(GOOGLE_TOKEN_URL, tokenUri()).contains(claims.getAudience().iterator().next())
                            ? "Invalid JWT: Failed audience check."
                    : claims.getIssuedAt() == null || claims.getExpiration() == null
                            || claims.getExpiration().toInstant().isAfter(claims.getIssuedAt().toInstant().plusSeconds(3600))
                            || claims.getIssuedAt().toInstant().isAfter(now.plus(SKEW))
                            ? "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe."
                            + " Check your iat and exp values in the JWT claim."
                    : null;
            if (problem != null) {
                oauthError(exchange, 400, "invalid_grant", problem);
                return;
            }
            if (claims.getSubject() != null) {
                // impersonating a user needs domain-wide delegation, which this account was never given
                oauthError(exchange, 401, "unauthorized_client", "Client is unauthorized to retrieve access tokens"
                        + " using this method, or client not authorized for any of the scopes requested.");
                return;
            }
            if (scope == null || scope.isBlank()) {
                oauthError(exchange, 400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.");
                return;
            }
            final String accessToken = "ya29.fake-" + FakeProvider.base64url(random(32));
            accessTokens.put(accessToken, new AccessGrant(now.plusSeconds(3600), List.of(scope.split(" "))));
            respond(exchange, 200, Map.of("access_token", accessToken, "token_type", "Bearer", "expires_in", 3600));
        }
    }

    private void decode(HttpExchange exchange) throws IOException {
        decodeCalls.incrementAndGet();
        try (exchange) {
            if (delay.isPositive()) {
                Thread.sleep(delay); // a slow Google, bounded by the test; close() interrupts it
            }
            final Matcher path = DECODE_PATH.matcher(exchange.getRequestURI().getPath());
            if (failWithStatus != 0) {
                apiError(exchange, failWithStatus, "The service is currently unavailable.");
                return;
            }
            if (!path.matches() || !"POST".equals(exchange.getRequestMethod())) {
                apiError(exchange, 404, "The requested URL was not found on this server.");
                return;
            }
            final String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.startsWith("Bearer ")) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\"");
                apiError(exchange, 401, "Request is missing required authentication credential. Expected OAuth 2"
                        + " access token, login cookie or other valid authentication credential.");
                return;
            }
            final AccessGrant grant = accessTokens.get(authorization.substring("Bearer ".length()));
            if (grant == null || grant.expires().isBefore(Instant.now())) {
                // error="invalid_token" is what makes Google's client refresh its token and retry
                exchange.getResponseHeaders().set("WWW-Authenticate",
                        "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
                apiError(exchange, 401, "Request had invalid authentication credentials. Expected OAuth 2 access"
                        + " token, login cookie or other valid authentication credential.");
                return;
            }
            if (!grant.scopes().contains(SCOPE)) {
                apiError(exchange, 403, "Request had insufficient authentication scopes.");
                return;
            }
            final String packageName = URLDecoder.decode(path.group(1), StandardCharsets.UTF_8);
            final JsonNode request;
            try {
                request = JSON.readTree(body(exchange));
            } catch (IOException e) {
                apiError(exchange, 400, "Invalid JSON payload received.");
                return;
            }
            final Minted token = request == null ? null : minted.get(request.path("integrityToken").asText(""));
            if (token == null || !token.packageName().equals(packageName)) {
                apiError(exchange, 400, "Integrity token cannot be decoded for package " + packageName + ".");
                return;
            }
            final byte[] answer = ("{\"tokenPayloadExternal\":" + new String(token.payloadJson(), StandardCharsets.UTF_8)
                    + "}").getBytes(StandardCharsets.UTF_8);
            send(exchange, 200, answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientGone) {
            // the client's deadline passed first (a timeout test): nobody left to answer
        }
    }

    /** The request body; Google's client gzips its JSON bodies (Content-Encoding: gzip). */
    private static byte[] body(HttpExchange exchange) throws IOException {
        final InputStream raw = exchange.getRequestBody();
        try (InputStream in = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                ? new GZIPInputStream(raw) : raw) {
            return in.readAllBytes();
        }
    }

    private void oauthError(HttpExchange exchange, int status, String error, String description) throws IOException {
        rejections.add("token: " + error + ": " + description);
        respond(exchange, status, Map.of("error", error, "error_description", description));
    }

    private void apiError(HttpExchange exchange, int status, String message) throws IOException {
        rejections.add("decode: " + status + " " + message);
        final String reason = switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 500 -> "INTERNAL";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> "UNKNOWN";
        };
        respond(exchange, status, Map.of("error", Map.of("code", status, "message", message, "status", reason)));
    }

    private static void respond(HttpExchange exchange, int status, Object json) throws IOException {
        send(exchange, status, JSON.writeValueAsBytes(json));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private Path write(Path file, String email, String privateKeyId, PrivateKey key) {
        final Map<String, String> json = new LinkedHashMap<>();
        json.put("type", "service_account");
        json.put("project_id", "fake-project-4711");
        json.put("private_key_id", privateKeyId);
        json.put("private_key", "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        json.put("client_email", email);
        json.put("client_id", clientId);
        json.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
        json.put("token_uri", tokenUri());
        json.put("auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs");
        json.put("client_x509_cert_url", "https://www.googleapis.com/robot/v1/metadata/x509/"
                + email.replace("@", "%40"));
        json.put("universe_domain", "googleapis.com");
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair rsa() {
        try {
            final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] random(int length) {
        final byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
