package dev.oauthapi.appcheck;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.oauthapi.errors.ApiException;
import dev.oauthapi.errors.ErrorCode;
import dev.oauthapi.metrics.AuthMetrics;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The gate on every request that starts or renews a session: it needs a valid app token
 * ({@code X-App-Check}) unless it is proven to come from a web client, which cannot attest. What is
 * web is never the request's say: the sign-in decides it from what it verified (the ID token's
 * client, the passkey's origin), a refresh from the session's stored client. {@code monitor} counts
 * what {@code enforce} would refuse and refuses nothing; {@code off} neither reads nor counts.
 * Checking a token is a signature check: no round trip.
 */
public final class AppCheckGate {
    public enum Mode { OFF, MONITOR, ENFORCE }

    /** Verified app tokens kept: some 200 bytes each with the token, so a few MiB at most. */
    private static final long CACHE_SIZE = 20_000;

    /** What a request presented, read once: a valid app token, or why there is none. */
    public record Presented(AppTokens.AppToken token, String outcome) {
        static final Presented NOT_READ = new Presented(null, "off");
    }

    /**
     * Which sessions a refresh may renew, as the rotation statement tests it: a session whose
     * client is in {@code clients} is renewable exactly when {@code listed}. Without an app token,
     * only web clients are listed; with one, the clients tied to another app are listed as not.
     */
    public record Renewal(boolean listed, Set<String> clients) {
        static final Renewal ANY = new Renewal(false, Set.of());

        public boolean admits(String clientId) {
            return clients.contains(clientId) == listed;
        }
    }

    private final Mode mode;
    private final AppTokens tokens;
    private final Set<String> webClients;
    private final Map<String, String> appOfClient;
    private final Renewal webOnly;
    private final AuthMetrics metrics;
    private final Clock clock;
    /**
     * Verified app tokens: an app sends the same one with each sign-in and refresh for an hour, and
     * its ES256 check costs more than the rest of a refresh's CPU. Bounded, each entry dropped when
     * its token expires; only tokens that verified get in, so garbage cannot crowd good ones out.
     */
    private final Cache<String, AppTokens.AppToken> verified;

    /**
     * @param webClients  the clients that cannot attest: the web client ids of Google and Apple, and
     *                    the web origins passkeys may come from
     * @param appOfClient {@code APP_CHECK_CLIENTS}: the one app whose tokens a client accepts
     */
    public AppCheckGate(Mode mode, AppTokens tokens, Set<String> webClients, Map<String, String> appOfClient,
                        AuthMetrics metrics, Clock clock) {
        this.clock = clock;
        this.verified = Caffeine.newBuilder().maximumSize(CACHE_SIZE)
                .expireAfter(Expiry.<String, AppTokens.AppToken>creating((token, app) -> untilExpiry(app))).build();
        this.mode = mode;
        this.tokens = tokens;
        this.webClients = Set.copyOf(webClients);
        this.appOfClient = Map.copyOf(appOfClient);
        this.webOnly = new Renewal(true, this.webClients);
        this.metrics = metrics;
    }

    /** A gate that lets everything through, for the command line and tests that build parts by hand. */
    public static AppCheckGate off() {
        return new AppCheckGate(Mode.OFF, null, Set.of(), Map.of(), null, Clock.systemUTC());
    }

    public boolean isOn() {
        return mode != Mode.OFF;
    }

    /** Reads the {@code X-App-Check} header: a signature check, once per request. */
    public Presented read(String header) {
        if (mode == Mode.OFF) {
            return Presented.NOT_READ;
        }
        if (header == null || header.isBlank()) {
            return new Presented(null, "missing");
        }
        final String presented = header.trim();
        AppTokens.AppToken token = verified.getIfPresent(presented);
        if (token == null) {
            final Optional<AppTokens.AppToken> checked = tokens.verify(presented);
            if (checked.isEmpty()) {
                return new Presented(null, "invalid");
            }
            token = checked.get();
            verified.put(presented, token);
        }
        if (!clock.instant().isBefore(token.expiresAt()) || !tokens.isKeyStillPublished(token)) {
            // The cache's expiry runs on the system ticker: the service's clock decides.
            verified.invalidate(presented);
            return new Presented(null, "invalid");
        }
        return new Presented(token, "passed");
    }

    private Duration untilExpiry(AppTokens.AppToken token) {
        final Duration left = Duration.between(clock.instant(), token.expiresAt());
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Whether a client is one of the web clients (a session's stored client, a sign-in's verified one). */
    public boolean isWeb(String clientId) {
        return clientId != null && webClients.contains(clientId);
    }

    /**
     * A sign-in for {@code clientId}, proven web or not: counted, and in {@code enforce} mode
     * refused ({@code 401 app_check_required}) unless the gate lets it through. Call it before
     * anything is stored.
     */
    public void admit(Presented presented, String clientId, boolean web) {
        if (mode == Mode.OFF) {
            return;
        }
        final String outcome = outcome(presented, clientId, web);
        metrics.appCheck(platform(presented, web), outcome);
        if (mode == Mode.ENFORCE && !isAdmitted(outcome)) {
            throw refusal(outcome);
        }
    }

    /** What a refresh may renew (all, unless enforced); its outcome is counted by {@link #renewed}. */
    public Renewal renewal(Presented presented) {
        if (mode != Mode.ENFORCE) {
            return Renewal.ANY;
        }
        if (presented.token() == null) {
            return webOnly;
        }
        if (isDebug(presented.token())) {
            return Renewal.ANY;
        }
        final String app = presented.token().appId();
        return new Renewal(false, appOfClient.entrySet().stream().filter(tie -> !tie.getValue().equals(app))
                .map(Map.Entry::getKey).collect(Collectors.toUnmodifiableSet()));
    }

    /**
     * A refresh of a session of {@code clientId} happened: counted, never refused (the rotation
     * committed; {@link #requireAdmitted} refused what the renewal rule does not admit before).
     */
    public void renewed(Presented presented, String clientId) {
        if (mode != Mode.OFF) {
            final boolean web = isWeb(clientId);
            metrics.appCheck(platform(presented, web), outcome(presented, clientId, web));
        }
    }

    /** Refuses (and counts) the renewal of a session of {@code clientId} that {@code renewal} does not admit. */
    public void requireAdmitted(Presented presented, Renewal renewal, String clientId) {
        if (!renewal.admits(clientId)) {
            admit(presented, clientId, isWeb(clientId));
            throw refusal(presented.outcome()); // admit refused already: the renewal is only narrowed when enforced
        }
    }

    private String outcome(Presented presented, String clientId, boolean web) {
        final AppTokens.AppToken token = presented.token();
        if (web) {
            return token != null ? "passed" : "exempt"; // a web client needs none: a stray one changes nothing
        }
        if (token == null) {
            return presented.outcome();
        }
        final String tied = clientId == null ? null : appOfClient.get(clientId);
        return tied != null && !isDebug(token) && !tied.equals(token.appId()) ? "wrong_app" : "passed";
    }

    private static boolean isAdmitted(String outcome) {
        return "passed".equals(outcome) || "exempt".equals(outcome);
    }

    /** Debug tokens stand for any of our apps: they are handed only to our own simulators and CI. */
    private static boolean isDebug(AppTokens.AppToken token) {
        return "debug".equals(token.platform());
    }

    private static String platform(Presented presented, boolean web) {
        if (presented.token() != null) {
            return presented.token().platform();
        }
        return web ? "web" : "unknown";
    }

    private static ApiException refusal(String outcome) {
        return new ApiException(ErrorCode.APP_CHECK_REQUIRED, switch (outcome) {
            case "missing" -> "This request needs an app token in X-App-Check: attest the app at /api/app-check first.";
            case "wrong_app" -> "The app token in X-App-Check is another app's; this client belongs to a different app.";
            default -> "The app token in X-App-Check is not valid (expired, or not an app token); attest the app again.";
        });
    }
}
