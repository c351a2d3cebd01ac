package dev.oauthapi;

import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.oauthapi.cli.KeysCommand;
import dev.oauthapi.cli.ReadableConfigurationErrors;
import dev.oauthapi.config.EnvironmentSubstitution;
import dev.oauthapi.errors.ProblemErrorHandler;
import dev.oauthapi.errors.ProblemJsonFeature;
import dev.oauthapi.health.RedisHealthCheck;
import dev.oauthapi.http.RequestBodyLimitFilter;
import dev.oauthapi.http.RequestIdFilter;
import dev.oauthapi.redis.Redis;
import dev.oauthapi.resources.HealthResource;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.jdbi3.JdbiFactory;
import io.dropwizard.migrations.MigrationsBundle;
import io.dropwizard.util.JarLocation;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.jdbi.v3.core.Jdbi;

import java.io.PrintStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The table of contents of the service: {@link #initialize} sets up configuration and commands,
 * {@link #run} wires the parts by hand, in order: infrastructure, HTTP plumbing, resources,
 * health checks, errors.
 */
public class OAuthApiApplication extends Application<OAuthApiConfiguration> {
    private final Function<String, String> environment;

    public OAuthApiApplication() {
        this(System::getenv);
    }

    /** @param environment where {@code ${VARIABLES}} in the configuration are looked up */
    public OAuthApiApplication(Function<String, String> environment) {
        this.environment = environment;
    }

    public static void main(String[] args) throws Exception {
        new OAuthApiApplication().run(args);
    }

    @Override
    public String getName() {
        return "oauth-api";
    }

    @Override
    public void initialize(Bootstrap<OAuthApiConfiguration> bootstrap) {
        bootstrap.setConfigurationSourceProvider(
                new EnvironmentSubstitution(bootstrap.getConfigurationSourceProvider(), environment));
        bootstrap.addBundle(new MigrationsBundle<>() {
            @Override
            public DataSourceFactory getDataSourceFactory(OAuthApiConfiguration configuration) {
                return configuration.database();
            }
        });
        bootstrap.addCommand(new KeysCommand(environment));
    }

    @Override
    public void run(OAuthApiConfiguration config, Environment environment) {
        final Jdbi jdbi = database(config, environment);
        final Redis redis = redis(config, environment);

        http(config, environment);

        environment.jersey().register(new HealthResource());

        environment.healthChecks().register("redis", new RedisHealthCheck(redis));

        errors(environment);
    }

    private static Jdbi database(OAuthApiConfiguration config, Environment environment) {
        // Also registers the "postgresql" health check, bounded by validationQueryTimeout.
        return new JdbiFactory().build(environment, config.database(), "postgresql");
    }

    private static Redis redis(OAuthApiConfiguration config, Environment environment) {
        final Redis redis = Redis.connect(config.redis());
        environment.lifecycle().manage(redis);
        return redis;
    }

    private static void http(OAuthApiConfiguration config, Environment environment) {
        // Unknown request members are ignored (the contract), unlike unknown configuration keys.
        environment.getObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        final var all = EnumSet.allOf(DispatcherType.class);
        environment.servlets().addFilter("request-id", new RequestIdFilter())
                .addMappingForUrlPatterns(all, false, "/*");
        environment.servlets().addFilter("request-body-limit",
                        new RequestBodyLimitFilter(config.network().maxRequestBodySize().toBytes()))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    }

    private static void errors(Environment environment) {
        environment.jersey().register(new ProblemJsonFeature());
        final ProblemErrorHandler errorHandler = new ProblemErrorHandler();
        environment.getApplicationContext().setErrorHandler(errorHandler);
        environment.lifecycle().addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                if (event instanceof Server server) {
                    server.setErrorHandler(errorHandler);
                }
            }
        });
    }

    /**
     * As {@link Application#run(String...)}, with every command wrapped so that a configuration
     * mistake is reported as one readable message rather than a stack trace.
     */
    @Override
    public void run(String... arguments) throws Exception {
        runCommand(System.out, System.err, arguments).ifPresent(this::onFatalError);
    }

    /** Runs one command line with the given output streams; the error, if the command failed. */
    public Optional<Throwable> runCommand(PrintStream out, PrintStream err, String... arguments) throws Exception {
        final Bootstrap<OAuthApiConfiguration> bootstrap = new Bootstrap<>(this) {
            @Override
            public List<Command> getCommands() {
                return super.getCommands().stream().<Command>map(ReadableConfigurationErrors::new).toList();
            }
        };
        addDefaultCommands(bootstrap);
        initialize(bootstrap);
        bootstrap.registerMetrics();
        return new Cli(new JarLocation(getClass()), bootstrap, out, err).run(arguments);
    }
}
