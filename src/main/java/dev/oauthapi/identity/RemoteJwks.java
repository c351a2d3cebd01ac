package dev.oauthapi.identity;

import dev.oauthapi.metrics.AuthMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A provider's published keys, cached by key id.
 *
 * <ul>
 *   <li>A known key id is answered from memory, without locking.</li>
 *   <li>An unknown key id, or keys older than {@link #MAX_KEY_AGE}, trigger a fetch, but at most one
 *       every {@link #MIN_FETCH_INTERVAL} however many requests carry random key ids: a flood of
 *       forged tokens cannot turn us into a flood against the provider.</li>
 *   <li>A fetch gives up after {@link #FETCH_TIMEOUT} and reads at most {@link #MAX_BYTES}.</li>
 *   <li>When a fetch fails, the cached keys keep working; an unknown key id while the provider is
 *       unreachable is {@link ProviderUnavailable} (we cannot tell), not a rejection.</li>
 * </ul>
 * The URL is configuration only: nothing in a token ever chooses where we fetch from.
 */
public final class RemoteJwks implements KeySource {
    static final Duration MIN_FETCH_INTERVAL = Duration.ofSeconds(30);
    static final Duration MAX_KEY_AGE = Duration.ofHours(1);
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(3);
    static final int MAX_BYTES = 256 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(RemoteJwks.class);

    private final Provider provider;
    private final URI url;
    private final HttpClient http;
    private final Clock clock;
    private final ReentrantLock fetching = new ReentrantLock();

    private volatile Map<String, ProviderKey> keys = Map.of();
    private volatile Instant fetchedAt = Instant.MIN;
    private Instant lastAttempt = Instant.MIN;
    private boolean lastAttemptFailed;
    private final AuthMetrics metrics;

    public RemoteJwks(Provider provider, URI url, HttpClient http, Clock clock, AuthMetrics metrics) {
        this.metrics = metrics;
        this.provider = provider;
        this.url = url;
        this.http = http;
        this.clock = clock;
    }

    /** The HTTP client for key fetches: bounded connect time, no redirects to elsewhere. */
    public static HttpClient httpClient() {
        return HttpClient.newBuilder()
                .connectTimeout(FETCH_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public ProviderKey find(String keyId) {
        ProviderKey key = keys.get(keyId);
        if (key != null && !isStale()) {
            return key;
        }
        fetching.lock(); // virtual-thread friendly, unlike synchronized on JDK 21
        try {
            key = keys.get(keyId);
            if (key == null || isStale()) {
                fetchIfAllowed();
                key = keys.get(keyId);
            }
            if (key == null && lastAttemptFailed) {
                throw new ProviderUnavailable(provider);
            }
            return key;
        } finally {
            fetching.unlock();
        }
    }

    /** Seconds since the keys in use were fetched; NaN before the first fetch. */
    public double ageSeconds() {
        final Instant fetched = fetchedAt;
        return fetched.equals(Instant.MIN) ? Double.NaN
                : java.time.Duration.between(fetched, clock.instant()).toMillis() / 1000.0;
    }

    private boolean isStale() {
        return clock.instant().isAfter(fetchedAt.plus(MAX_KEY_AGE));
    }

    private void fetchIfAllowed() {
        final Instant now = clock.instant();
        if (now.isBefore(lastAttempt.plus(MIN_FETCH_INTERVAL))) {
            return;
        }
        lastAttempt = now;
        try {
            keys = KeySource.parse(fetch());
            fetchedAt = now;
            lastAttemptFailed = false;
            metrics.keyFetch(provider.wireName(), true);
        } catch (IOException | RuntimeException e) {
            lastAttemptFailed = true;
            metrics.keyFetch(provider.wireName(), false);
            LOG.warn("Could not fetch the {} signing keys from {}: {}; keeping the {} cached keys",
                    provider.wireName(), url, e.toString(), keys.size());
        }
    }

    private String fetch() throws IOException {
        final HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(FETCH_TIMEOUT)
                .header("Accept", "application/json")
                .GET()
                .build();
        final HttpResponse<byte[]> answer = BoundedHttp.send(http, request, FETCH_TIMEOUT, MAX_BYTES);
        if (answer.statusCode() != 200) {
            throw new IOException("HTTP " + answer.statusCode());
        }
        return new String(answer.body(), StandardCharsets.UTF_8);
    }
}
