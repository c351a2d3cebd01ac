package dev.oauthapi.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;

import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The Dropwizard registry under Prometheus's naming rules, for the bridge: Dropwizard names its
 * metrics after classes and fields ({@code io.dropwizard.db.ManagedPooledDataSource.postgresql.releasedIdle}),
 * and Prometheus wants snake_case ({@code io_dropwizard_db_managed_pooled_data_source_postgresql_released_idle}),
 * which {@code promtool check metrics} enforces. A view, not a copy: each scrape reads the
 * registry as it is, under converted names (the bridge reads these five lists only).
 */
public final class SnakeCaseMirror {
    private SnakeCaseMirror() {
    }

    @SuppressWarnings("rawtypes") // MetricRegistry's own signature
    public static MetricRegistry of(MetricRegistry source) {
        return new MetricRegistry() {
            @Override
            public SortedMap<String, Gauge> getGauges(MetricFilter filter) {
                return snake(source.getGauges(filter));
            }

            @Override
            public SortedMap<String, Counter> getCounters(MetricFilter filter) {
                return snake(source.getCounters(filter));
            }

            @Override
            public SortedMap<String, Histogram> getHistograms(MetricFilter filter) {
                return snake(source.getHistograms(filter));
            }

            @Override
            public SortedMap<String, Meter> getMeters(MetricFilter filter) {
                return snake(source.getMeters(filter));
            }

            @Override
            public SortedMap<String, Timer> getTimers(MetricFilter filter) {
                return snake(source.getTimers(filter));
            }
        };
    }

    private static <M extends Metric> SortedMap<String, M> snake(SortedMap<String, M> metrics) {
        final SortedMap<String, M> renamed = new TreeMap<>();
        metrics.forEach((name, metric) -> renamed.put(snake(name), metric));
        return renamed;
    }

    /** {@code ManagedPooledDataSource.releasedIdle} to {@code managed_pooled_data_source.released_idle}. */
    static String snake(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("([A-Z]+)([A-Z][a-z])", "$1_$2")
                .toLowerCase(Locale.ROOT);
    }
}
