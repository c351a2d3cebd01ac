package dev.oauthapi;

import dev.oauthapi.auth.BearerAuth;
import dev.oauthapi.cli.AppleCommand;
import dev.oauthapi.cli.CheckIdTokenCommand;
import dev.oauthapi.cli.CommandExit;
import dev.oauthapi.cli.KeysCommand;
import dev.oauthapi.cli.ReadableConfigurationErrors;
import dev.oauthapi.cli.UsersCommand;
import dev.oauthapi.config.EnvironmentSubstitution;
import dev.oauthapi.db.Statements;
import dev.oauthapi.errors.OAuthErrors;
import dev.oauthapi.errors.ProblemJsonFeature;
import dev.oauthapi.health.Drain;
import dev.oauthapi.health.RedisHealthCheck;
import dev.oauthapi.http.HttpSetup;
import dev.oauthapi.http.PersistentConnections;
import dev.oauthapi.http.RateLimitFeature;
import dev.oauthapi.http.RateLimiter;
import dev.oauthapi.http.RequestMetricsFilter;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.RateLimitCounters;
import dev.oauthapi.redis.Redis;
import dev.oauthapi.resources.AdminResource;
import dev.oauthapi.resources.AppCheckResource;
import dev.oauthapi.resources.AuthResource;
import dev.oauthapi.resources.DocsResource;
import dev.oauthapi.resources.HealthResource;
import dev.oauthapi.resources.JwksResource;
import dev.oauthapi.resources.OAuthResource;
import dev.oauthapi.resources.OpenApiResource;
import dev.oauthapi.resources.PasskeysResource;
import dev.oauthapi.resources.ProfileResource;
import dev.oauthapi.resources.ProviderEventsResource;
import dev.oauthapi.resources.SessionsResource;
import dev.oauthapi.resources.UsersResource;
import dev.oauthapi.resources.WebSignInResource;
import dev.oauthapi.resources.WellKnownResource;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.jdbi3.JdbiFactory;
import io.dropwizard.migrations.MigrationsBundle;
import io.dropwizard.util.JarLocation;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The table of contents of the service: {@link #initialize} sets up configuration and commands,
 * {@link #run} wires the parts by hand, in order: infrastructure, the domain ({@link Services}),
 * HTTP plumbing and auth, resources, health checks, errors.
 */
public class OAuthApiApplication extends Application<OAuthApiConfiguration> {
    private final Function<String, String> environment;
    private final Clock clock;

    public OAuthApiApplication() {
        this(System::getenv);
    }

    /** @param environment where {@code ${VARIABLES}} in the configuration are looked up */
    public OAuthApiApplication(Function<String, String> environment) {
        this(environment, Clock.systemUTC());
    }

    /** @param clock what every expiry is decided by (tests move it by hand) */
    public OAuthApiApplication(Function<String, String> environment, Clock clock) {
        this.environment = environment;
        this.clock = clock;
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
                return configuration.migrationDatabase();
            }
        });
        bootstrap.addCommand(new KeysCommand(environment));
        bootstrap.addCommand(new CheckIdTokenCommand(environment));
        bootstrap.addCommand(new UsersCommand());
        bootstrap.addCommand(new AppleCommand());
    }

    @Override
    public void run(OAuthApiConfiguration config, Environment environment) {
        // Infrastructure
        final Jdbi jdbi = database(config, environment);
        final Redis redis = redis(config, environment);
        final AuthMetrics metrics = AuthMetrics.exported(environment);
        metrics.gauge("oauth_redis_pool_connections", "Redis connections by state", null, "state", () -> {
            final Redis.PoolState pool = redis.poolState(); // one read: on a cluster, a sum over every node's pool
            return Map.of("active", (double) pool.active(), "idle", (double) pool.idle(), "waiting", (double) pool.waiting());
        });

        // The domain, built once (the command line builds the same)
        final Services services = Services.build(config, jdbi, redis, metrics, clock, Host.server(environment));

        // HTTP plumbing, auth and rate limits
        HttpSetup.register(environment, config.network());
        environment.jersey().register(new RequestMetricsFilter(metrics));
        BearerAuth.register(environment, services.accessTokens(), services.sessionGate(), services.dpop(), clock,
                RateLimiter.WINDOW);
        environment.jersey().register(RateLimitFeature.of(new RateLimiter(new RateLimitCounters(redis), clock),
                config.rateLimits(), metrics));

        resources(config, environment, services);
        health(config, environment, redis);
        ProblemJsonFeature.register(environment);
    }

    private void resources(OAuthApiConfiguration config, Environment environment, Services services) {
        environment.jersey().register(new HealthResource());
        environment.jersey().register(new JwksResource(services.signingKeys()));
        environment.jersey().register(new OpenApiResource());
        if (config.docs().enabled()) {
            DocsResource.register(environment);
        }
        environment.jersey().register(new AuthResource(services.signIn(), services.passkeySignIn(), services.guestSignIn(), clock));
        environment.jersey().register(new WebSignInResource(services.webSignIn(), clock));
        environment.jersey().register(new SessionsResource(services.rotation(), services.sessions(), clock));
        environment.jersey().register(new ProviderEventsResource(services.providerEvents()));
        environment.jersey().register(new UsersResource(services.profiles()));
        environment.jersey().register(new ProfileResource(services.profiles(), services.identities(), services.deletion(),
                services.passkeys()));
        environment.jersey().register(new AdminResource(services.adminUsers(), services.auditTrail(), services.usageStats()));
        environment.jersey().register(new PasskeysResource(services.passkeys()));
        environment.jersey().register(new WellKnownResource(config.passkeys(), config.tokens().issuer(),
                config.publicBaseUrl(), services.oauth().servesCodeFlow()));
        environment.jersey().register(new OAuthResource(services.oauth(), clock));
        environment.jersey().register(new OAuthErrors());
        environment.jersey().register(new AppCheckResource(services.appCheck().attestation()));
    }

    /** Health checks ("postgresql" comes with the database), readiness, and the stop that drains. */
    private static void health(OAuthApiConfiguration config, Environment environment, Redis redis) {
        environment.healthChecks().register("redis", new RedisHealthCheck(redis));
        // Readiness: unhealthy from the moment a stop begins, while requests are still served.
        final Drain drain = Drain.register(environment, config.network().drainDelay().toJavaDuration());
        environment.lifecycle().addServerLifecycleListener(server -> PersistentConnections.install(server, drain::isDraining));
    }

    private Jdbi database(OAuthApiConfiguration config, Environment environment) {
        // Also registers the "postgresql" health check, bounded by validationQueryTimeout.
        return Statements.tune(new JdbiFactory().build(environment, config.database(), "postgresql"), sqlStatements());
    }

    /** Sees every SQL statement; the service logs none (tests count them against the round-trip budget). */
    protected SqlLogger sqlStatements() {
        return SqlLogger.NOP_SQL_LOGGER;
    }

    /** Told of every Redis round trip; the service ignores them (tests count them against the budget). */
    protected Runnable redisRoundTrips() {
        return () -> { };
    }

    private Redis redis(OAuthApiConfiguration config, Environment environment) {
        final Redis redis = Redis.connect(config.redis(), redisRoundTrips());
        environment.lifecycle().manage(redis);
        return redis;
    }

    /**
     * As {@link Application#run(String...)}, with every command wrapped so that a configuration
     * mistake is reported as one readable message rather than a stack trace.
     */
    @Override
    public void run(String... arguments) throws Exception {
        runCommand(System.out, System.err, arguments).ifPresent(this::onFatalError);
    }

    /** Exit codes: a command's own ({@link CommandExit}), 2 for a usage error, else 1. */
    @Override
    protected void onFatalError(Throwable error) {
        System.exit(CommandExit.codeOf(error));
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
