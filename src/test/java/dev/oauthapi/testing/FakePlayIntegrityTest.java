package dev.oauthapi.testing;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.playintegrity.v1.PlayIntegrity;
import com.google.api.services.playintegrity.v1.model.DecodeIntegrityTokenRequest;
import com.google.api.services.playintegrity.v1.model.TokenPayloadExternal;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.GoogleCredentials;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fakes against Google's real client and jjwt: what passes here passes the service's decoders. */
class FakePlayIntegrityTest {
    private static final String PACKAGE = "dev.oauthapi.example";
    private static final String CERT = FakeProvider.base64url(new byte[32]);

    private final FakePlayIntegrity google = FakePlayIntegrity.start();
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        google.close();
    }

    @Test
    void googlesClientDecodesAMintedToken() throws IOException {
        final String token = google.mint(PACKAGE, FakePlayIntegrity.genuinePayload(PACKAGE, CERT, "bm9uY2U", null, 1_700_000_000_123L));

        final TokenPayloadExternal payload = decode(client(google.writeCredentials(dir), request -> { }), PACKAGE, token);

        assertThat(payload.getRequestDetails().getNonce()).isEqualTo("bm9uY2U");
        assertThat(payload.getRequestDetails().getRequestPackageName()).isEqualTo(PACKAGE);
        assertThat(payload.getRequestDetails().getTimestampMillis()).isEqualTo(1_700_000_000_123L);
        assertThat(payload.getAppIntegrity().getAppRecognitionVerdict()).isEqualTo("PLAY_RECOGNIZED");
        assertThat(payload.getAppIntegrity().getCertificateSha256Digest()).containsExactly(CERT);
        assertThat(payload.getAppIntegrity().getVersionCode()).isEqualTo(42L);
        assertThat(payload.getDeviceIntegrity().getDeviceRecognitionVerdict()).containsExactly("MEETS_DEVICE_INTEGRITY");
        assertThat(payload.getAccountDetails().getAppLicensingVerdict()).isEqualTo("LICENSED");
        assertThat(google.decodeCalls()).isEqualTo(1);
        assertThat(google.rejections()).isEmpty();
    }

    @Test
    void refusesAnotherAppsTokenAndUnknownTokens() throws IOException {
        final PlayIntegrity client = client(google.writeCredentials(dir), request -> { });
        final String token = google.mint("com.other.app", FakePlayIntegrity.genuinePayload("com.other.app", CERT, null, "aGFzaA", 1L));

        for (String refused : List.of(token, "not-a-token-google-minted")) {
            assertThatThrownBy(() -> decode(client, PACKAGE, refused))
                    .isInstanceOfSatisfying(GoogleJsonResponseException.class, e -> {
                        assertThat(e.getStatusCode()).isEqualTo(400);
                        assertThat(e.getDetails().get("status")).isEqualTo("INVALID_ARGUMENT");
                    });
        }
    }

    @Test
    void refusesAServiceAccountKeyItNeverIssued() throws IOException {
        final String token = google.mint(PACKAGE, FakePlayIntegrity.genuinePayload(PACKAGE, CERT, "bm9uY2U", null, 1L));
        final PlayIntegrity client = client(google.writeForgedCredentials(dir), request -> { });

        // the token fetch fails inside the client, before any call to Play Integrity
        assertThatThrownBy(() -> decode(client, PACKAGE, token)).isInstanceOf(IOException.class)
                .hasMessageContaining("invalid_grant");
        assertThat(google.decodeCalls()).isZero();
        assertThat(google.rejections()).containsExactly("token: invalid_grant: Invalid JWT Signature.");
    }

    @Test
    void refusesCallsWithoutAnAccessTokenItIssued() throws Exception {
        final String token = google.mint(PACKAGE, FakePlayIntegrity.genuinePayload(PACKAGE, CERT, "bm9uY2U", null, 1L));
        for (String authorization : List.of("Bearer ya29.made-up", "")) {
            final HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create(google.rootUrl() + "v1/" + PACKAGE + ":decodeIntegrityToken"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"integrityToken\":\"" + token + "\"}"));
            if (!authorization.isEmpty()) {
                request.header("Authorization", authorization);
            }
            final HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request.build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(401);
            assertThat(answer.body()).contains("\"status\":\"UNAUTHENTICATED\"").contains("\"code\":401");
        }
    }

    @Test
    void failsAndHangsOnDemand() throws IOException {
        final String token = google.mint(PACKAGE, FakePlayIntegrity.genuinePayload(PACKAGE, CERT, "bm9uY2U", null, 1L));
        final Path credentials = google.writeCredentials(dir);

        google.failWith(503);
        assertThatThrownBy(() -> decode(client(credentials, request -> { }), PACKAGE, token))
                .isInstanceOfSatisfying(GoogleJsonResponseException.class,
                        e -> assertThat(e.getDetails().get("status")).isEqualTo("UNAVAILABLE"));
        assertThat(google.decodeCalls()).as("Google's client does not retry a 503 by itself").isEqualTo(1);

        google.heal();
        google.delay(Duration.ofSeconds(5));
        assertThatThrownBy(() -> decode(client(credentials, request -> request.setReadTimeout(300)), PACKAGE, token))
                .isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void localTokensDecodeOnlyWithBothConsoleKeys() throws Exception {
        final LocalIntegrityTokens keys = new LocalIntegrityTokens();
        final Map<String, Object> verdict = FakePlayIntegrity.genuinePayload(PACKAGE, CERT, "bm9uY2U", null, 1_700_000_000_123L);
        final var decrypt = Jwts.parser().decryptWith(new SecretKeySpec(
                Base64.getDecoder().decode(keys.decryptionKeyBase64()), "AES")).build();
        final PublicKey verification = KeyFactory.getInstance("EC").generatePublic(
                new X509EncodedKeySpec(Base64.getDecoder().decode(keys.verificationKeyBase64())));
        final var verify = Jwts.parser().verifyWith(verification).build();

        final String jws = new String(decrypt.parseEncryptedContent(keys.mint(verdict)).getPayload(), StandardCharsets.US_ASCII);
        assertThat(new HashMap<String, Object>(verify.parseSignedClaims(jws).getPayload())).isEqualTo(verdict);

        assertThatThrownBy(() -> decrypt.parseEncryptedContent(keys.mintEncryptedWithAnotherKey(verdict)))
                .isInstanceOf(JwtException.class);
        final String foreign = new String(decrypt.parseEncryptedContent(keys.mintSignedByAnotherKey(verdict)).getPayload(),
                StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> verify.parseSignedClaims(foreign)).isInstanceOf(JwtException.class);
    }

    private PlayIntegrity client(Path credentialsFile, HttpRequestInitializer bounds) throws IOException {
        final GoogleCredentials credentials;
        try (InputStream in = Files.newInputStream(credentialsFile)) {
            credentials = GoogleCredentials.fromStream(in).createScoped(FakePlayIntegrity.SCOPE);
        }
        final HttpCredentialsAdapter adapter = new HttpCredentialsAdapter(credentials);
        return new PlayIntegrity.Builder(new NetHttpTransport(), GsonFactory.getDefaultInstance(), request -> {
            adapter.initialize(request);
            bounds.initialize(request);
        }).setRootUrl(google.rootUrl()).setApplicationName("oauth-api-test").build();
    }

    private static TokenPayloadExternal decode(PlayIntegrity client, String packageName, String token) throws IOException {
        return client.v1().decodeIntegrityToken(packageName, new DecodeIntegrityTokenRequest().setIntegrityToken(token))
                .execute().getTokenPayloadExternal();
    }
}
