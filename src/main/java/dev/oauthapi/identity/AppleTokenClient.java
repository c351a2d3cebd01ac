package dev.oauthapi.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.config.AppleConfig;
import dev.oauthapi.errors.Misconfiguration;
import io.jsonwebtoken.Jwts;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Apple's token endpoints: exchanging an app's authorization code for Apple's refresh token,
 * revoking that token (App Store rules: deleting an account revokes its Sign in with Apple tokens),
 * and the user migration of an app moving to another team (TN3159).
 * Each call authenticates with a client secret minted on demand: an ES256 JWT signed with the
 * team's {@code .p8} key, for the client id the user signed in to, valid for five minutes.
 */
public final class AppleTokenClient {
    static final String APPLE_AUDIENCE = "https://appleid.apple.com";
    static final Duration SECRET_LIFETIME = Duration.ofMinutes(5);
    /** The whole call, connecting to the last byte of the answer. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Apple's answers are a few kilobytes (an ID token and two opaque tokens). */
    static final int MAX_ANSWER_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What an exchange gives: Apple's refresh token (a secret) and who Apple says it is for. */
    public record Exchanged(String refreshToken, String subject) {
        @Override
        public String toString() {
            return "Exchanged[subject=" + subject + ", refreshToken=[REDACTED]]";
        }
    }

    private final String teamId;
    private final String keyId;
    private final PrivateKey key;
    private final URI tokenUrl;
    private final URI revokeUrl;
    private final URI migrationUrl;
    private final HttpClient http;
    private final Clock clock;

    public AppleTokenClient(String teamId, String keyId, PrivateKey key, URI tokenUrl, URI revokeUrl, URI migrationUrl,
                            HttpClient http, Clock clock) {
        this.teamId = teamId;
        this.keyId = keyId;
        this.key = key;
        this.tokenUrl = tokenUrl;
        this.revokeUrl = revokeUrl;
        this.migrationUrl = migrationUrl;
        this.http = http;
        this.clock = clock;
    }

    /** The client of the configured team: its key read from {@code APPLE_PRIVATE_KEY_PATH}. */
    public static AppleTokenClient of(AppleConfig apple, Clock clock) {
        return new AppleTokenClient(apple.teamId(), apple.keyId(), readKey(Path.of(apple.privateKeyPath())),
                apple.tokenUrl(), apple.revokeUrl(), apple.migrationUrl(), httpClient(), clock);
    }

    /** Reads the team's {@code .p8} (PKCS#8 PEM, EC P-256) key. */
    public static PrivateKey readKey(Path file) {
        try {
            final String pem = Files.readString(file, StandardCharsets.US_ASCII)
                    .replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "");
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(pem)));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new Misconfiguration("APPLE_PRIVATE_KEY_PATH: cannot read an EC private key (the .p8 from Apple) from "
                    + file + ": " + e.getMessage(), e);
        }
    }

    public static HttpClient httpClient() {
        return HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The client secret for {@code clientId}: Apple's required claims, nothing more. */
    public String clientSecret(String clientId) {
        final Instant now = clock.instant();
        return Jwts.builder()
                .header().keyId(keyId).and()
                .issuer(teamId)
                .subject(clientId)
                // A JSON string, as Apple requires: a one-element array is refused with invalid_client.
                .audience().single(APPLE_AUDIENCE)
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(SECRET_LIFETIME)))
                .signWith(key, Jwts.SIG.ES256)
                .compact();
    }

    /**
     * Exchanges an authorization code. The ID token in Apple's answer came straight from Apple over
     * TLS (OpenID Connect Core 3.1.3.7, item 6), so its subject is read, not re-verified, and must be
     * the subject of the identity token the app signed in with.
     *
     * @param redirectUri the authorization request's, for a code from the browser sign-in (Apple
     *                    wants it again); null for a code an app got from the native SDK
     * @throws IOException naming what went wrong, never a token
     */
    public Exchanged exchange(String code, String clientId, String expectedSubject, String redirectUri)
            throws IOException {
        final Map<String, String> form = new java.util.LinkedHashMap<>(Map.of("client_id", clientId,
                "client_secret", clientSecret(clientId), "code", code, "grant_type", "authorization_code"));
        if (redirectUri != null) {
            form.put("redirect_uri", redirectUri);
        }
        final JsonNode answer = post(tokenUrl, form);
        final String refreshToken = answer.path("refresh_token").asText("");
        final String idToken = answer.path("id_token").asText("");
        if (refreshToken.isEmpty() || idToken.split("\\.").length < 2) {
            throw new IOException("Apple's answer has no refresh_token or id_token");
        }
        final String subject;
        try {
            subject = JSON.readTree(Base64.getUrlDecoder().decode(idToken.split("\\.")[1])).path("sub").asText("");
        } catch (IllegalArgumentException e) {
            throw new IOException("Apple's id_token cannot be read");
        }
        if (!subject.equals(expectedSubject)) {
            throw new IOException("Apple's id_token is for another subject than the identity token");
        }
        return new Exchanged(refreshToken, subject);
    }

    /** Revokes a refresh token; Apple answers 200 also for one already revoked. */
    public void revoke(String refreshToken, String clientId) throws IOException {
        post(revokeUrl, Map.of("client_id", clientId, "client_secret", clientSecret(clientId),
                "token", refreshToken, "token_type_hint", "refresh_token"));
    }

    /** A user Apple will not migrate ({@code invalid_request}: they revoked the app's access, or are unknown). */
    public static final class NotMigrated extends IOException {
        private static final long serialVersionUID = 1L;

        NotMigrated(String message) {
            super(message);
        }
    }

    /** Who a user is under the new team, from their transfer identifier. */
    public record Migrated(String subject, String email, boolean isPrivateEmail) {
        @Override
        public String toString() {
            return "Migrated[" + subject + "]"; // no e-mail address in logs
        }
    }

    /** A client-credentials access token for the user migration ({@code scope=user.migration}), an hour long. */
    public String migrationToken(String clientId) throws IOException {
        final String token = post(tokenUrl, Map.of("grant_type", "client_credentials", "scope", "user.migration",
                "client_id", clientId, "client_secret", clientSecret(clientId)), null).path("access_token").asText("");
        if (token.isEmpty()) {
            throw new IOException("Apple's answer has no access_token");
        }
        return token;
    }

    /** The old team's step: the transfer identifier of {@code subject} for the team {@code targetTeam}. */
    public String transferIdentifier(String accessToken, String subject, String targetTeam, String clientId)
            throws IOException {
        final String transferSub = migration(accessToken, Map.of("sub", subject, "target", targetTeam,
                "client_id", clientId, "client_secret", clientSecret(clientId))).path("transfer_sub").asText("");
        if (transferSub.isEmpty()) {
            throw new IOException("Apple's answer has no transfer_sub");
        }
        return transferSub;
    }

    /** The new team's step: who the user of a transfer identifier is now. */
    public Migrated migrate(String accessToken, String transferSub, String clientId) throws IOException {
        final JsonNode answer = migration(accessToken, Map.of("transfer_sub", transferSub, "client_id", clientId,
                "client_secret", clientSecret(clientId)));
        final String subject = answer.path("sub").asText("");
        if (subject.isEmpty()) {
            throw new IOException("Apple's answer has no sub");
        }
        final String email = answer.path("email").asText("");
        final JsonNode relay = answer.path("is_private_email");
        return new Migrated(subject, email.isEmpty() ? null : email,
                relay.isBoolean() ? relay.asBoolean() : "true".equals(relay.asText()));
    }

    private JsonNode migration(String accessToken, Map<String, String> form) throws IOException {
        try {
            return post(migrationUrl, form, accessToken);
        } catch (Refused e) {
            if (e.status() == 400 && "invalid_request".equals(e.error())) {
                throw new NotMigrated(e.getMessage());
            }
            throw e;
        }
    }

    /** A non-200 answer: its status, and the {@code error} of its body when it has one. */
    private static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String error;

        Refused(int status, String error, String message) {
            super(message);
            this.status = status;
            this.error = error;
        }

        int status() {
            return status;
        }

        String error() {
            return error;
        }
    }

    private JsonNode post(URI url, Map<String, String> form) throws IOException {
        return post(url, form, null);
    }

    private JsonNode post(URI url, Map<String, String> form, String bearer) throws IOException {
        final String body = new LinkedHashMap<>(form).entrySet().stream()
                .map(entry -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        final HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        final HttpRequest request = builder.build();
        final HttpResponse<byte[]> response = BoundedHttp.send(http, request, TIMEOUT, MAX_ANSWER_BYTES);
        final String text = new String(response.body(), StandardCharsets.UTF_8);
        if (response.statusCode() != 200) {
            // Apple's error bodies are {"error": "invalid_grant"}: safe to keep, no token in them,
            // but what is kept is cut short and printable (it is logged and stored).
            String error = "";
            try {
                error = JSON.readTree(text).path("error").asText("");
            } catch (IOException | RuntimeException notJson) {
                // the message below says what came
            }
            throw new Refused(response.statusCode(), error, "Apple answered HTTP " + response.statusCode() + " "
                    + printable(text, 200));
        }
        return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    }

    /** At most {@code max} characters of {@code text}, with control characters (NUL among them) as spaces. */
    public static String printable(String text, int max) {
        final String cut = text.length() > max ? text.substring(0, max) : text;
        return cut.replaceAll("\\p{Cntrl}", " ").strip();
    }
}
