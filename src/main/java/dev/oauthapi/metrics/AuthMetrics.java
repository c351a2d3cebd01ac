package dev.oauthapi.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The product's own metrics, the auth story in Prometheus's conventions ({@code _total},
 * {@code _seconds}, base units), exported at {@code /prometheus} on the admin port next to the
 * Dropwizard registry. Labels take only values from short fixed sets (providers, outcomes, check
 * names, route templates, event types): never a user id, an address or a raw path, so the number
 * of series stays bounded whatever the traffic.
 */
public final class AuthMetrics {
    /** Sign-in outcomes. */
    public enum SignIn { SUCCEEDED, REFUSED, FAILED }

    /** Refresh outcomes: a rotation, the grace answer, or one of the refusals. */
    public enum Refresh { ROTATED, GRACE, REUSED, EXPIRED, REVOKED, INVALID, DISABLED, APP_CHECK_REQUIRED }

    private final PrometheusRegistry registry;
    private final Counter signIns;
    private final Counter signInRefusals;
    private final Counter refreshes;
    private final Counter sessionsEnded;
    private final Counter rateLimited;
    private final Counter keyFetches;
    private final Counter providerEvents;
    private final Counter untrustedRedisValues;
    private final Counter passkeyRegistrations;
    private final Counter passkeySignIns;
    private final Counter passkeyRefusals;
    private final Counter appChecks;
    private final Counter dpopRefusals;
    private final Counter appAttestations;
    private final Counter appAttestationRefusals;
    private final Histogram requests;

    public AuthMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        signIns = Counter.builder().name("oauth_sign_ins_total")
                .help("Sign-ins by provider and outcome (succeeded, refused by a check or a rule, failed)")
                .labelNames("provider", "outcome").register(registry);
        signInRefusals = Counter.builder().name("oauth_sign_in_refusals_total")
                .help("Provider tokens refused, by provider and the name of the check that failed")
                .labelNames("provider", "check").register(registry);
        refreshes = Counter.builder().name("oauth_refreshes_total")
                .help("Refresh requests by outcome").labelNames("outcome").register(registry);
        sessionsEnded = Counter.builder().name("oauth_sessions_ended_total")
                .help("Sessions ended (their access tokens refused at once), by cause").labelNames("cause")
                .register(registry);
        rateLimited = Counter.builder().name("oauth_rate_limited_total")
                .help("Requests refused with 429, by bucket").labelNames("bucket").register(registry);
        keyFetches = Counter.builder().name("oauth_provider_key_fetches_total")
                .help("Fetches of a provider's signing keys, by provider and outcome").labelNames("provider", "outcome")
                .register(registry);
        providerEvents = Counter.builder().name("oauth_provider_events_total")
                .help("Account events from Apple and Google acted on, by provider and type").labelNames("provider", "type")
                .register(registry);
        untrustedRedisValues = Counter.builder().name("oauth_redis_values_untrusted_total")
                .help("Values read back from Redis whose MAC did not verify (read again from PostgreSQL, or refused)")
                .labelNames("value").register(registry);
        passkeyRegistrations = Counter.builder().name("oauth_passkey_registrations_total")
                .help("Passkey registrations, by outcome").labelNames("outcome").register(registry);
        passkeySignIns = Counter.builder().name("oauth_passkey_sign_ins_total")
                .help("Sign-ins with a passkey, by outcome").labelNames("outcome").register(registry);
        passkeyRefusals = Counter.builder().name("oauth_passkey_refusals_total")
                .help("Passkey ceremonies refused, by ceremony and the check that failed").labelNames("ceremony", "check")
                .register(registry);
        dpopRefusals = Counter.builder().name("oauth_dpop_refusals_total")
                .help("DPoP proofs refused, by the check that failed").labelNames("check").register(registry);
        appChecks = Counter.builder().name("oauth_app_check_total")
                .help("Requests that start or renew a session, by the app token's platform and what the gate found"
                        + " (passed, exempt, missing, invalid, wrong_app); in monitor mode none is refused")
                .labelNames("platform", "outcome").register(registry);
        appAttestations = Counter.builder().name("oauth_app_check_attestations_total")
                .help("App attestations (Apple attestation or assertion, Play Integrity, debug token), by platform and"
                        + " outcome").labelNames("platform", "outcome").register(registry);
        appAttestationRefusals = Counter.builder().name("oauth_app_check_refusals_total")
                .help("App attestations refused, by platform and the step that failed").labelNames("platform", "step")
                .register(registry);
        requests = Histogram.builder().name("http_server_request_duration_seconds").unit(Unit.SECONDS)
                .help("Time to answer a request, by method, route template and status")
                .classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
                .labelNames("method", "route", "status").register(registry);
    }

    /**
     * The product's metrics, and the Dropwizard registry (pools, JVM, Jetty) through Prometheus's
     * own bridge, at {@code /prometheus} on the admin port. One registry per application, so that
     * instances in one JVM (the tests) do not share counters.
     */
    public static AuthMetrics exported(io.dropwizard.core.setup.Environment environment) {
        final PrometheusRegistry registry = new PrometheusRegistry();
        io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports.builder()
                .dropwizardRegistry(SnakeCaseMirror.of(environment.metrics())).register(registry);
        io.prometheus.metrics.instrumentation.jvm.JvmMetrics.builder().register(registry);
        environment.admin().addServlet("prometheus",
                new io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet(registry)).addMapping("/prometheus");
        return new AuthMetrics(registry);
    }

    /** Metrics that go nowhere: for tools and tests that build a part of the service alone. */
    public static AuthMetrics unexported() {
        return new AuthMetrics(new PrometheusRegistry());
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public void signIn(String provider, SignIn outcome) {
        signIns.labelValues(provider, lower(outcome)).inc();
    }

    public void signInRefused(String provider, String check) {
        signInRefusals.labelValues(provider, check).inc();
    }

    /** A passkey registration's outcome: {@code SUCCEEDED}, {@code REFUSED} or {@code FAILED}. */
    public void passkeyRegistration(SignIn outcome) {
        passkeyRegistrations.labelValues(outcome.name().toLowerCase(java.util.Locale.ROOT)).inc();
    }

    public void passkeySignIn(SignIn outcome) {
        passkeySignIns.labelValues(outcome.name().toLowerCase(java.util.Locale.ROOT)).inc();
    }

    /** A DPoP proof refused, by the name of the check that failed. */
    public void dpopRefused(String check) {
        dpopRefusals.labelValues(check).inc();
    }

    /** What the app-check gate found on a request that starts or renews a session. */
    public void appCheck(String platform, String outcome) {
        appChecks.labelValues(platform, outcome).inc();
    }

    /** An app attestation's outcome: {@code issued}, {@code refused} or {@code failed}. */
    public void appAttestation(String platform, String outcome) {
        appAttestations.labelValues(platform, outcome).inc();
    }

    public void appAttestationRefused(String platform, String step) {
        appAttestationRefusals.labelValues(platform, step).inc();
    }

    /** @param ceremony {@code registration} or {@code sign_in} */
    public void passkeyRefused(String ceremony, String check) {
        passkeyRefusals.labelValues(ceremony, check).inc();
    }

    public void refresh(Refresh outcome) {
        refreshes.labelValues(lower(outcome)).inc();
    }

    public void sessionsEnded(String cause, int count) {
        if (count > 0) {
            sessionsEnded.labelValues(cause).inc(count);
        }
    }

    public void rateLimited(String bucket) {
        rateLimited.labelValues(bucket).inc();
    }

    public void keyFetch(String provider, boolean succeeded) {
        keyFetches.labelValues(provider, succeeded ? "succeeded" : "failed").inc();
    }

    public void providerEvent(String provider, String type) {
        providerEvents.labelValues(provider, type).inc();
    }

    /** A value read back from Redis that failed its MAC: {@code session_role}, {@code web_grant}. */
    public void untrustedRedisValue(String value) {
        untrustedRedisValues.labelValues(value).inc();
    }

    public void request(String method, String route, int status, double seconds) {
        requests.labelValues(method, route, Integer.toString(status)).observe(seconds);
    }

    /**
     * A gauge read when scraped, one series for each value of its label (say, each provider): the
     * readings are taken once a scrape, all together, so related series come from one read.
     */
    public void gauge(String name, String help, Unit unit, String label, Supplier<Map<String, Double>> readings) {
        final GaugeWithCallback.Builder gauge = GaugeWithCallback.builder().name(name).help(help).labelNames(label)
                .callback(callback -> readings.get().forEach((value, reading) -> callback.call(reading, value)));
        (unit == null ? gauge : gauge.unit(unit)).register(registry);
    }

    /** A gauge read when scraped. */
    public void gauge(String name, String help, Unit unit, Supplier<Double> reading) {
        final GaugeWithCallback.Builder gauge = GaugeWithCallback.builder().name(name).help(help)
                .callback(callback -> callback.call(reading.get()));
        (unit == null ? gauge : gauge.unit(unit)).register(registry);
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT);
    }
}
