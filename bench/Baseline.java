import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.setup.Environment;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/**
 * The floor of a request on this machine: a bare Dropwizard application, with Dropwizard's default
 * server and request log and nothing of ours, answering a constant. bench/run.sh starts it beside
 * the service with the same JVM flags, measures it as its first row, and gives every workload as a
 * ratio to it. Run from source against the service's jar (it carries Dropwizard):
 * {@code java -cp oauth-api.jar bench/Baseline.java server baseline.yml}.
 */
public final class Baseline extends Application<Configuration> {
    public static void main(String[] args) throws Exception {
        new Baseline().run(args);
    }

    @Path("/health")
    @Produces(MediaType.APPLICATION_JSON)
    public static final class Constant {
        private static final Map<String, String> OK = Map.of("status", "ok");

        @GET
        public Map<String, String> health() {
            return OK;
        }
    }

    @Override
    public void run(Configuration configuration, Environment environment) {
        environment.jersey().register(new Constant());
    }
}
