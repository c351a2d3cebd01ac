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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Play Integrity tokens decoded by Google ({@code decodeIntegrityToken}), through Google's own
 * client and the service account of {@code GOOGLE_APPLICATION_CREDENTIALS}: works for standard and
 * classic requests. The call is bounded in time and answer size; Google out of reach, or refusing
 * our own credentials, is {@code 503 provider_unavailable}, never a refusal of the app.
 */
final class GoogleIntegrityDecoder implements IntegrityDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(GoogleIntegrityDecoder.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Each exchange (the service account's token, the decode); a verdict is a few KiB. */
    static final Duration DEADLINE = Duration.ofSeconds(3);
    static final int MAX_ANSWER_BYTES = 64 * 1024;
    /** The whole decode, a token fetch and one retry included: what a request thread waits at most. */
    static final Duration OVERALL = Duration.ofSeconds(6);
    private static final ExecutorService CALLS = Executors.newVirtualThreadPerTaskExecutor();

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
        final Future<TokenPayloadExternal> call = CALLS.submit(() -> client.v1().decodeIntegrityToken(packageName,
                new DecodeIntegrityTokenRequest().setIntegrityToken(integrityToken)).execute().getTokenPayloadExternal());
        try {
            payload = call.get(OVERALL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            LOG.warn("Play Integrity's decode took over {} s", OVERALL.toSeconds());
            throw unavailable();
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw unavailable();
        } catch (ExecutionException failed) {
            throw failure(packageName, failed.getCause());
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

    /** Google's 400 is its verdict on the token; anything else is Google out of reach, or refusing us. */
    private static RuntimeException failure(String packageName, Throwable cause) {
        if (cause instanceof GoogleJsonResponseException answered && answered.getStatusCode() == 400) {
            return new AppCheckRejected("decode", "Google could not decode this integrity token for " + packageName);
        }
        if (cause instanceof GoogleJsonResponseException answered) {
            LOG.warn("Play Integrity's decode answered {}: check the service account's access to the app",
                    answered.getStatusCode());
        } else {
            LOG.warn("Play Integrity's decode failed: {}", cause.getClass().getSimpleName());
        }
        return unavailable();
    }

    private static ApiException unavailable() {
        return new ApiException(ErrorCode.PROVIDER_UNAVAILABLE, "Google Play Integrity cannot be reached right now;"
                + " try again shortly.", java.util.Map.of("Retry-After", "30"));
    }
}
