package dev.oauthapi;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.oauthapi.auth.AccessTokenAuthenticator;
import dev.oauthapi.auth.AuthenticatedUser;
import dev.oauthapi.auth.BearerTokenFilter;
import dev.oauthapi.auth.ProblemUnauthorizedHandler;
import dev.oauthapi.auth.RoleAuthorizer;
import dev.oauthapi.cli.CheckIdTokenCommand;
import dev.oauthapi.cli.CommandExit;
import dev.oauthapi.cli.KeysCommand;
import dev.oauthapi.cli.ReadableConfigurationErrors;
import dev.oauthapi.cli.UsersCommand;
import dev.oauthapi.config.EnvironmentSubstitution;
import dev.oauthapi.errors.ProblemErrorHandler;
import dev.oauthapi.errors.ProblemJsonFeature;
import dev.oauthapi.health.Drain;
import dev.oauthapi.health.RedisHealthCheck;
import dev.oauthapi.http.ClientAddress;
import dev.oauthapi.http.ClientAddressFilter;
import dev.oauthapi.http.NoStoreFilter;
import dev.oauthapi.http.QueryTokenFilter;
import dev.oauthapi.http.PersistentConnections;
import dev.oauthapi.http.RateLimitFeature;
import dev.oauthapi.http.RateLimited;
import dev.oauthapi.http.RateLimiter;
import dev.oauthapi.http.RequestBodyLimitFilter;
import dev.oauthapi.http.RequestMetricsFilter;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.metrics.SnakeCaseMirror;
import dev.oauthapi.http.StorableTextModule;
import dev.oauthapi.redis.RateLimitCounters;
import dev.oauthapi.resources.AdminResource;
import dev.oauthapi.resources.AuthResource;
import dev.oauthapi.resources.DocsResource;
import dev.oauthapi.resources.JwksResource;
import dev.oauthapi.resources.OpenApiResource;
import dev.oauthapi.resources.ProfileResource;
import dev.oauthapi.resources.ProviderEventsResource;
import dev.oauthapi.resources.SessionsResource;
import dev.oauthapi.sessions.SessionGate;
import dev.oauthapi.resources.UsersResource;
import dev.oauthapi.resources.WebSignInResource;
import dev.oauthapi.tokens.AccessTokens;
import io.dropwizard.auth.AuthDynamicFeature;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.dropwizard.auth.AuthValueFactoryProvider;
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
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.migrations.MigrationsBundle;
import io.dropwizard.servlets.tasks.Task;
import io.dropwizard.servlets.assets.AssetServlet;
import io.dropwizard.util.JarLocation;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.eclipse.jetty.util.component.LifeCycle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.NoTemplateEngine;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementExceptions;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The table of contents of the service: {@link #initialize} sets up configuration and commands,
 * {@link #run} wires the parts by hand, in order: infrastructure, domain services, HTTP plumbing
 * and auth, resources, health checks, errors.
 */
public class OAuthApiApplication extends Application<OAuthApiConfiguration> {
    /** Verified access tokens kept in memory: about 1 KiB each, so at most some 50 MiB. */
    private static final long VERIFIED_TOKEN_CACHE_SIZE = 50_000;

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
    }

    @Override
    public void run(OAuthApiConfiguration config, Environment environment) {
        // Infrastructure
        final Jdbi jdbi = database(config, environment);
        final Redis redis = redis(config, environment);
        final AuthMetrics metrics = metrics(environment, redis);

        // The domain, built once (the command line builds the same)
        final Services services = Services.build(config, jdbi, redis, metrics, clock, serverHost(environment));

        // HTTP plumbing, auth and rate limits
        http(config, environment);
        environment.jersey().register(new RequestMetricsFilter(metrics));
        auth(environment, services.accessTokens(), services.sessionGate(), clock);
        environment.jersey().register(new RateLimitFeature(new RateLimiter(new RateLimitCounters(redis), clock),
                Map.of(RateLimited.Bucket.AUTH, config.rateLimits().authPerMinute(),
                        RateLimited.Bucket.EVENTS, config.rateLimits().eventsPerMinute()),
                config.rateLimits().apiPerMinute(), metrics));

        resources(config, environment, services);
        health(config, environment, redis);
        errors(environment);
    }

    private void resources(OAuthApiConfiguration config, Environment environment, Services services) {
        environment.jersey().register(new HealthResource());
        environment.jersey().register(new JwksResource(services.signingKeys()));
        environment.jersey().register(new OpenApiResource());
        if (config.docs().enabled()) {
            docs(environment);
        }
        environment.jersey().register(new AuthResource(services.signIn(), clock));
        environment.jersey().register(new WebSignInResource(services.webSignIn(), clock));
        environment.jersey().register(new SessionsResource(services.rotation(), services.sessions(), clock));
        environment.jersey().register(new ProviderEventsResource(services.providerEvents()));
        environment.jersey().register(new UsersResource(services.accounts()));
        environment.jersey().register(new ProfileResource(services.accounts()));
        environment.jersey().register(new AdminResource(services.adminUsers(), services.auditTrail(), services.usageStats()));
    }

    /** Health checks ("postgresql" comes with the database), readiness, and the stop that drains. */
    private static void health(OAuthApiConfiguration config, Environment environment, Redis redis) {
        environment.healthChecks().register("redis", new RedisHealthCheck(redis));
        // Readiness: unhealthy from the moment a stop begins, while requests are still served.
        final Drain drain = new Drain(config.network().drainDelay().toJavaDuration());
        environment.healthChecks().register("drain", drain);
        environment.lifecycle().addServerLifecycleListener(drain::installFor);
        environment.lifecycle().addServerLifecycleListener(server -> PersistentConnections.install(server, drain::isDraining));
    }

    /** The server as the domain's host: its workers start and stop with Jetty, its tasks on the admin port. */
    private static Services.Host serverHost(Environment environment) {
        return new Services.Host() {
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

    /** Swagger UI: our page at {@code /docs}, the webjar's files under {@code /docs/assets/}. */
    private static void docs(Environment environment) {
        environment.jersey().register(new DocsResource());
        environment.servlets().addServlet("docs-assets",
                        new AssetServlet(DocsResource.ASSETS, "/docs/assets", null, StandardCharsets.UTF_8))
                .addMapping("/docs/assets/*");
    }

    /**
     * The product's metrics, and the Dropwizard registry (pools, JVM, Jetty) through Prometheus's
     * own bridge, at {@code /prometheus} on the admin port. One registry per application, so that
     * instances in one JVM (the tests) do not share counters.
     */
    private static AuthMetrics metrics(Environment environment, Redis redis) {
        final PrometheusRegistry registry = new PrometheusRegistry();
        DropwizardExports.builder().dropwizardRegistry(SnakeCaseMirror.of(environment.metrics())).register(registry);
        JvmMetrics.builder().register(registry);
        final AuthMetrics metrics = new AuthMetrics(registry);
        metrics.gauge("oauth_redis_pool_connections", "Redis connections by state", null, "state", () -> {
            final Redis.PoolState pool = redis.poolState(); // one read: on a cluster, a sum over every node's pool
            return Map.of("active", (double) pool.active(), "idle", (double) pool.idle(), "waiting", (double) pool.waiting());
        });
        environment.admin().addServlet("prometheus", new PrometheusMetricsServlet(registry)).addMapping("/prometheus");
        return metrics;
    }

    private static void auth(Environment environment, AccessTokens accessTokens, SessionGate sessionGate, Clock clock) {
        final AccessTokenAuthenticator authenticator = new AccessTokenAuthenticator(accessTokens, sessionGate, clock,
                environment.metrics(), VERIFIED_TOKEN_CACHE_SIZE, RateLimiter.WINDOW);
        environment.jersey().register(new AuthDynamicFeature(new BearerTokenFilter.Builder<AuthenticatedUser>()
                .setAuthenticator(authenticator)
                .setPrefix("Bearer")
                .setUnauthorizedHandler(new ProblemUnauthorizedHandler())
                .setAuthorizer(new RoleAuthorizer())
                .buildAuthFilter()));
        // @RolesAllowed on a resource method: 403 forbidden, naming the role it needs.
        environment.jersey().register(RolesAllowedDynamicFeature.class);
        environment.jersey().register(new AuthValueFactoryProvider.Binder<>(AuthenticatedUser.class));
    }

    private Jdbi database(OAuthApiConfiguration config, Environment environment) {
        // Also registers the "postgresql" health check, bounded by validationQueryTimeout.
        final Jdbi jdbi = new JdbiFactory().build(environment, config.database(), "postgresql");
        // Our SQL is plain text with named parameters, never a template: Dropwizard's template
        // engine re-lexed every statement, and its SQL logger kept a timer per statement; together
        // they cost more than the queries. The pool's own metrics stay.
        jdbi.setTemplateEngine(new NoTemplateEngine());
        jdbi.setSqlLogger(sqlStatements());
        // SQL errors end up in logs: name the statement, never its arguments (e-mail addresses, hashes).
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(error ->
                "statement: " + abbreviate(error.getStatementContext().getRawSql()));
        return jdbi;
    }

    private static String abbreviate(String sql) {
        final String oneLine = sql == null ? "?" : sql.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
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

    private static void http(OAuthApiConfiguration config, Environment environment) {
        // Unknown request members are ignored (the contract), unlike unknown configuration keys.
        environment.getObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        environment.getObjectMapper().registerModule(new StorableTextModule());
        // {"scope": "current", "scope": "all"}: which one counts depends on the parser, so neither does.
        environment.getObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        final var all = EnumSet.allOf(DispatcherType.class);
        environment.servlets().addFilter("request-id", new RequestIdFilter())
                .addMappingForUrlPatterns(all, false, "/*");
        environment.servlets().addFilter("client-address",
                        new ClientAddressFilter(new ClientAddress(config.network().trustedProxies().values())))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        environment.servlets().addFilter("request-body-limit",
                        new RequestBodyLimitFilter(config.network().maxRequestBodySize().toBytes()))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        environment.jersey().register(new QueryTokenFilter());
        environment.jersey().register(new NoStoreFilter());
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
