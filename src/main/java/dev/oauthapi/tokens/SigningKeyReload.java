package dev.oauthapi.tokens;

import io.dropwizard.lifecycle.Managed;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Reads the signing key folder again every {@link #INTERVAL}: keys come and go without a restart. */
public final class SigningKeyReload implements Managed {
    public static final Duration INTERVAL = Duration.ofMinutes(1);

    private final SigningKeys keys;
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("signing-key-reload").daemon().factory());

    public SigningKeyReload(SigningKeys keys) {
        this.keys = keys;
    }

    @Override
    public void start() {
        schedule.scheduleWithFixedDelay(keys::reload, INTERVAL.toSeconds(), INTERVAL.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        schedule.shutdownNow();
        schedule.awaitTermination(1, TimeUnit.SECONDS);
    }
}
