package dev.oauthapi;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.servlets.tasks.Task;

/** What the domain's object graph needs from where it runs: a server starts and stops its workers; a command starts none. */
public interface Host {
    void manage(Managed managed);

    void addTask(Task task);

    MetricRegistry metrics();

    /** The server: workers start and stop with Jetty, tasks on the admin port. */
    static Host server(io.dropwizard.core.setup.Environment environment) {
        return new Host() {
            @Override
            public void manage(Managed managed) {
                environment.lifecycle().manage(managed);
            }

            @Override
            public void addTask(Task task) {
                environment.admin().addTask(task);
            }

            @Override
            public MetricRegistry metrics() {
                return environment.metrics();
            }
        };
    }

    /** A command line: nothing runs in the background, no task is served. */
    static Host command(MetricRegistry metrics) {
        return new Host() {
            @Override
            public void manage(Managed managed) {
                // a command runs its work in the foreground and exits
            }

            @Override
            public void addTask(Task task) {
                // no admin port
            }

            @Override
            public MetricRegistry metrics() {
                return metrics;
            }
        };
    }
}
