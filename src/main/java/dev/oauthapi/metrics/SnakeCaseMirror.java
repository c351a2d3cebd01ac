package dev.oauthapi.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.MetricRegistryListener;
import com.codahale.metrics.Timer;

import java.util.Locale;

/**
 * The Dropwizard registry under Prometheus's naming rules, for the bridge: Dropwizard names its
 * metrics after classes and fields ({@code io.dropwizard.db.ManagedPooledDataSource.postgresql.releasedIdle}),
 * and Prometheus wants snake_case ({@code io_dropwizard_db_managed_pooled_data_source_postgresql_released_idle}),
 * which {@code promtool check metrics} enforces. The same metric objects, under converted names,
 * kept in step as metrics come and go.
 */
public final class SnakeCaseMirror {
    private SnakeCaseMirror() {
    }

    public static MetricRegistry of(MetricRegistry source) {
        final MetricRegistry mirror = new MetricRegistry();
        // Told of every metric already there, then of each one added or removed later.
        source.addListener(new MetricRegistryListener() {
            @Override
            public void onGaugeAdded(String name, Gauge<?> gauge) {
                mirror.register(snake(name), gauge);
            }

            @Override
            public void onGaugeRemoved(String name) {
                mirror.remove(snake(name));
            }

            @Override
            public void onCounterAdded(String name, Counter counter) {
                mirror.register(snake(name), counter);
            }

            @Override
            public void onCounterRemoved(String name) {
                mirror.remove(snake(name));
            }

            @Override
            public void onHistogramAdded(String name, Histogram histogram) {
                mirror.register(snake(name), histogram);
            }

            @Override
            public void onHistogramRemoved(String name) {
                mirror.remove(snake(name));
            }

            @Override
            public void onMeterAdded(String name, Meter meter) {
                mirror.register(snake(name), meter);
            }

            @Override
            public void onMeterRemoved(String name) {
                mirror.remove(snake(name));
            }

            @Override
            public void onTimerAdded(String name, Timer timer) {
                mirror.register(snake(name), timer);
            }

            @Override
            public void onTimerRemoved(String name) {
                mirror.remove(snake(name));
            }
        });
        return mirror;
    }

    /** {@code ManagedPooledDataSource.releasedIdle} to {@code managed_pooled_data_source.released_idle}. */
    static String snake(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("([A-Z]+)([A-Z][a-z])", "$1_$2")
                .toLowerCase(Locale.ROOT);
    }
}
