package dev.oauthapi.appcheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.playintegrity.v1.PlayIntegrity;
import com.google.api.services.playintegrity.v1.PlayIntegrityScopes;
import com.google.api.services.playintegrity.v1.model.DecodeIntegrityTokenRequest;
import com.google.api.services.playintegrity.v1.model.TokenPayloadExternal;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import dev.oauthapi.identity.BoundedGoogleTransport;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Play Integrity tokens decoded by Google ({@code decodeIntegrityToken}), through Google's own
 * client and the service account of {@code GOOGLE_APPLICATION_CREDENTIALS}: works for standard and
 * classic requests. The call is bounded in time and answer size; Google out of reach, or refusing
 * our own credentials, is {@code 503 provider_unavailable}, never a refusal of the app.
 */
final class GoogleIntegrityDecoder implements IntegrityDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(GoogleIntegrityDecoder.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A verdict is a few KiB; Google's answers time out well before this. */
    static final Duration DEADLINE = Duration.ofSeconds(5);
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final PlayIntegrity client;

    GoogleIntegrityDecoder(Path credentialsFile, URI rootUrl) {
        final BoundedGoogleTransport transport = new BoundedGoogleTransport(DEADLINE, MAX_ANSWER_BYTES);
        final GoogleCredentials credentials;
        try (InputStream in = Files.newInputStream(credentialsFile)) {
            // A service account only; its token fetch goes through the bounded transport, and does
            // not retry with back-off: a request thread waits for one bounded exchange at most.
            credentials = ServiceAccountCredentials.fromStream(in, () -> transport).createWithCustomRetryStrategy(false)
                    .createScoped(List.of(PlayIntegrityScopes.PLAYINTEGRITY));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("GOOGLE_APPLICATION_CREDENTIALS: cannot read a service account's key"
                    + " from " + credentialsFile + " (" + e.getMessage() + ")", e);
        }
        final String root = rootUrl.toString().endsWith("/") ? rootUrl.toString() : rootUrl + "/";
        final HttpCredentialsAdapter adapter = new HttpCredentialsAdapter(credentials);
        final HttpRequestInitializer once = request -> {
            adapter.initialize(request);
            // The adapter retries a 401 up to ten times with a fresh token: one retry is enough.
            request.setNumberOfRetries(1);
        };
        this.client = new PlayIntegrity.Builder(transport, GsonFactory.getDefaultInstance(), once).setRootUrl(root)
                .setApplicationName("oauth-api").build();
    }

    @Override
    public JsonNode decode(String packageName, String integrityToken) {
        final TokenPayloadExternal payload;
        try {
            payload = client.v1().decodeIntegrityToken(packageName,
                    new DecodeIntegrityTokenRequest().setIntegrityToken(integrityToken)).execute().getTokenPayloadExternal();
        } catch (GoogleJsonResponseException e) {
            if (e.getStatusCode() == 400) {
                // Google could not decode it for this package: not a token of this app.
                throw new AppCheckRejected("decode", "Google could not decode this integrity token for " + packageName);
            }
            LOG.warn("Play Integrity's decode answered {}: check the service account's access to the app",
                    e.getStatusCode());
            throw unavailable();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Play Integrity's decode failed: {}", e.getClass().getSimpleName());
            throw unavailable();
        }
        if (payload == null) {
            throw new AppCheckRejected("decode", "Google's answer holds no verdict");
        }
        try {
            return JSON.readTree(GsonFactory.getDefaultInstance().toString(payload));
        } catch (IOException e) {
            throw unavailable();
        }
    }

    private static ApiException unavailable() {
        return new ApiException(ErrorCode.PROVIDER_UNAVAILABLE, "Google Play Integrity cannot be reached right now;"
                + " try again shortly.", java.util.Map.of("Retry-After", "30"));
    }
}
