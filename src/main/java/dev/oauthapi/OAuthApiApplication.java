package dev.oauthapi;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.oauthapi.admin.AdminUsers;
import dev.oauthapi.admin.AuditTrail;
import dev.oauthapi.admin.PageCursors;
import dev.oauthapi.admin.UsageStats;
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
import dev.oauthapi.config.AppleConfig;
import dev.oauthapi.config.EnvironmentSubstitution;
import dev.oauthapi.config.WebSignInConfig;
import dev.oauthapi.db.RowIds;
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
import dev.oauthapi.identity.AppleTokenClient;
import dev.oauthapi.identity.GoogleCodeExchange;
import dev.oauthapi.identity.IdTokenVerifier;
import dev.oauthapi.identity.Nonces;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.identity.RemoteJwks;
import dev.oauthapi.redis.SingleUseKeys;
import dev.oauthapi.redis.RateLimitCounters;
import dev.oauthapi.redis.SessionStates;
import dev.oauthapi.redis.UserVersions;
import dev.oauthapi.redis.WebSignInStore;
import dev.oauthapi.resources.AdminResource;
import dev.oauthapi.resources.AuthResource;
import dev.oauthapi.resources.DocsResource;
import dev.oauthapi.resources.JwksResource;
import dev.oauthapi.resources.OpenApiResource;
import dev.oauthapi.resources.ProfileResource;
import dev.oauthapi.resources.ProviderEventsResource;
import dev.oauthapi.resources.SessionsResource;
import dev.oauthapi.sessions.RefreshRotation;
import dev.oauthapi.sessions.SessionGate;
import dev.oauthapi.sessions.SessionLifecycle;
import dev.oauthapi.sessions.SessionPurge;
import dev.oauthapi.sessions.Sessions;
import dev.oauthapi.resources.UsersResource;
import dev.oauthapi.resources.WebSignInResource;
import dev.oauthapi.tokens.AccessTokens;
import dev.oauthapi.tokens.ProviderTokenCipher;
import dev.oauthapi.tokens.RefreshTokens;
import dev.oauthapi.tokens.ServerMac;
import dev.oauthapi.tokens.ServerSeal;
import dev.oauthapi.tokens.ServerSecrets;
import dev.oauthapi.tokens.SigningKeyReload;
import dev.oauthapi.tokens.SigningKeys;
import dev.oauthapi.tokens.SuccessorSeal;
import dev.oauthapi.users.Accounts;
import dev.oauthapi.users.AppleTokens;
import dev.oauthapi.users.ProfileCache;
import dev.oauthapi.users.ProviderEvents;
import dev.oauthapi.users.RetryRevocationsTask;
import dev.oauthapi.users.SignInService;
import dev.oauthapi.users.WebSignIn;
import io.dropwizard.auth.AuthDynamicFeature;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
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
import io.dropwizard.servlets.assets.AssetServlet;
import io.dropwizard.util.JarLocation;
import jakarta.servlet.DispatcherType;
import net.sourceforge.argparse4j.inf.ArgumentParserException;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.eclipse.jetty.util.component.LifeCycle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.LoggerFactory;
import org.jdbi.v3.core.statement.NoTemplateEngine;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementExceptions;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The table of contents of the service: {@link #initialize} sets up configuration and commands,
 * {@link #run} wires the parts by hand, in order: infrastructure, domain services, HTTP plumbing
 * and auth, resources, health checks, errors.
 */
public class OAuthApiApplication extends Application<OAuthApiConfiguration> {
    /** Verified access tokens kept in memory: about 1 KiB each, so at most some 50 MiB. */
    private static final long VERIFIED_TOKEN_CACHE_SIZE = 50_000;
    /** Profiles kept for {@code /api/users/me}: under 1 KiB each, so at most some 10 MiB. */
    private static final long PROFILE_CACHE_SIZE = 10_000;

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
        final SecureRandom random = new SecureRandom();

        // Infrastructure
        final Jdbi jdbi = database(config, environment);
        final Redis redis = redis(config, environment);
        final SigningKeys signingKeys = SigningKeys.load(Path.of(config.tokens().keysDir()),
                config.tokens().keyActivationDelay().toJavaDuration(), clock);
        environment.lifecycle().manage(new SigningKeyReload(signingKeys));
        final AuthMetrics metrics = metrics(environment, redis);

        // Domain services
        final Duration accessTokenTtl = config.tokens().accessTokenTtl().toJavaDuration();
        final AccessTokens accessTokens = new AccessTokens(signingKeys, config.tokens().issuer(),
                config.tokens().audience(), accessTokenTtl, clock);
        final RefreshTokens refreshTokens = new RefreshTokens(random);
        final SessionGate sessionGate = new SessionGate(new SessionStates(redis),
                new ServerMac(serverSecret(environment, jdbi, random, ServerSecrets.SESSION_CACHE)), jdbi, clock, accessTokenTtl, metrics);
        environment.lifecycle().manage(sessionGate);
        final ProfileCache profiles = new ProfileCache(new UserVersions(redis), PROFILE_CACHE_SIZE);
        final RowIds rowIds = new RowIds(clock, random);
        final SessionLifecycle lifecycle = new SessionLifecycle(jdbi, sessionGate, refreshTokens, rowIds, clock,
                config.sessions().refreshTokenTtl().toJavaDuration(), config.sessions().maxLifetime().toJavaDuration(),
                metrics, profiles::changed);
        final Accounts accounts = new Accounts(jdbi, lifecycle, rowIds, clock, profiles);
        final RefreshRotation rotation = new RefreshRotation(jdbi, accessTokens, refreshTokens,
                new SuccessorSeal(random), lifecycle, clock, config.sessions().refreshTokenTtl().toJavaDuration(),
                config.sessions().reuseGrace().toJavaDuration(), metrics);
        final Sessions sessions = new Sessions(jdbi, lifecycle, clock);
        environment.lifecycle().manage(new SessionPurge(jdbi, clock));
        final HttpClient keyFetches = RemoteJwks.httpClient();
        final RemoteJwks googleKeys = new RemoteJwks(Provider.GOOGLE, config.google().jwksUrl(), keyFetches, clock, metrics);
        final RemoteJwks appleKeys = new RemoteJwks(Provider.APPLE, config.apple().jwksUrl(), keyFetches, clock, metrics);
        metrics.gauge("oauth_provider_keys_age_seconds", "Age of the provider signing keys sign-in verifies with",
                Unit.SECONDS, "provider", () -> Map.of("google", googleKeys.ageSeconds(), "apple", appleKeys.ageSeconds()));
        final Map<Provider, IdTokenVerifier> verifiers = Map.of(Provider.GOOGLE, google(config, googleKeys, clock),
                Provider.APPLE, apple(config, appleKeys, clock));
        final AppleTokens appleTokens = appleTokens(config, jdbi, random, environment, metrics);
        final SignInService signIn = new SignInService(verifiers,
                new Nonces(new SingleUseKeys(redis, SingleUseKeys.NONCES), serverSecret(environment, jdbi, random, ServerSecrets.NONCES), random, clock), new SingleUseKeys(redis, SingleUseKeys.PROVIDER_TOKENS),
                config.idTokens().replayProtection(), accounts, accessTokens, clock, appleTokens, metrics);
        // Events verify with key caches of their own: unknown key ids in a flood of forged events
        // cannot spend the fetches that sign-in relies on.
        final ProviderEvents providerEvents = new ProviderEvents(
                apple(config, new RemoteJwks(Provider.APPLE, config.apple().jwksUrl(), keyFetches, clock, metrics), clock),
                googleSecurityEvents(config, keyFetches, clock, metrics), lifecycle, clock, metrics);

        // HTTP plumbing, auth and rate limits
        http(config, environment);
        environment.jersey().register(new RequestMetricsFilter(metrics));
        auth(environment, accessTokens, sessionGate, clock);
        environment.jersey().register(new RateLimitFeature(new RateLimiter(new RateLimitCounters(redis), clock),
                Map.of(RateLimited.Bucket.AUTH, config.rateLimits().authPerMinute(),
                        RateLimited.Bucket.EVENTS, config.rateLimits().eventsPerMinute()),
                config.rateLimits().apiPerMinute(), metrics));

        // Resources
        environment.jersey().register(new HealthResource());
        environment.jersey().register(new JwksResource(signingKeys));
        environment.jersey().register(new OpenApiResource());
        if (config.docs().enabled()) {
            docs(environment);
        }
        environment.jersey().register(new AuthResource(signIn, clock));
        environment.jersey().register(new WebSignInResource(webSignIn(config.web(), signIn, redis,
                new ServerSeal(serverSecret(environment, jdbi, random, ServerSecrets.WEB_SIGN_IN), random), metrics, random), clock));
        environment.jersey().register(new SessionsResource(rotation, sessions, clock));
        environment.jersey().register(new ProviderEventsResource(providerEvents));
        environment.jersey().register(new UsersResource(accounts));
        environment.jersey().register(new ProfileResource(accounts));
        final PageCursors cursors = new PageCursors(serverSecret(environment, jdbi, random, ServerSecrets.CURSORS));
        environment.jersey().register(new AdminResource(new AdminUsers(jdbi, accounts, sessions, cursors, clock),
                new AuditTrail(jdbi, cursors), new UsageStats(jdbi, clock)));

        // Health checks ("postgresql" comes with the database)
        environment.healthChecks().register("redis", new RedisHealthCheck(redis));
        // Readiness: unhealthy from the moment a stop begins, while requests are still served.
        final Drain drain = new Drain(config.network().drainDelay().toJavaDuration());
        environment.healthChecks().register("drain", drain);
        environment.lifecycle().addServerLifecycleListener(drain::installFor);
        environment.lifecycle().addServerLifecycleListener(server -> PersistentConnections.install(server, drain::isDraining));

        errors(environment);
    }

    /** Swagger UI: our page at {@code /docs}, the webjar's files under {@code /docs/assets/}. */
    private static void docs(Environment environment) {
        environment.jersey().register(new DocsResource());
        environment.servlets().addServlet("docs-assets",
                        new AssetServlet(DocsResource.ASSETS, "/docs/assets", null, StandardCharsets.UTF_8))
                .addMapping("/docs/assets/*");
    }

    /** Sign-in through the browser; each provider takes part when its web client is configured. */
    private WebSignIn webSignIn(WebSignInConfig web, SignInService signIn, Redis redis, ServerSeal seal,
                                AuthMetrics metrics, SecureRandom random) {
        return new WebSignIn(signIn, new WebSignInStore(redis), new SingleUseKeys(redis, SingleUseKeys.WEB_STATES), seal,
                new WebSignIn.Endpoints(Set.copyOf(web.redirectUris().values()), web.callback("google"),
                        web.callback("apple"), web.googleAuthorizationUrl(), web.appleAuthorizationUrl()),
                web.isGoogleEnabled()
                        ? new GoogleCodeExchange(web.googleTokenUrl(), web.googleClientId(), web.googleClientSecret().reveal())
                        : null,
                web.isAppleEnabled() ? web.appleClientId() : null, metrics, random, clock);
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

    /** A provider with no client ids is off. */
    private static IdTokenVerifier google(OAuthApiConfiguration config, RemoteJwks keys, Clock clock) {
        return new IdTokenVerifier(Provider.GOOGLE, Set.copyOf(config.google().clientIds().values()), keys, clock,
                config.idTokens().maxAge().toJavaDuration(), config.google().requireNonce());
    }

    /** Each use gets a key cache of its own ({@code keys}), with its own budget of fetches for unknown key ids. */
    private static IdTokenVerifier apple(OAuthApiConfiguration config, RemoteJwks keys, Clock clock) {
        return new IdTokenVerifier(Provider.APPLE, Set.copyOf(config.apple().clientIds().values()), keys, clock,
                config.idTokens().maxAge().toJavaDuration(), config.apple().requireNonce());
    }

    /** Apple code exchange and token revocation, when the team's key is configured; else null. */
    private AppleTokens appleTokens(OAuthApiConfiguration config, Jdbi jdbi, SecureRandom random, Environment environment,
                                    AuthMetrics metrics) {
        final AppleConfig apple = config.apple();
        if (!apple.isCodeExchangeEnabled()) {
            return null;
        }
        final AppleTokens tokens = new AppleTokens(
                new AppleTokenClient(apple.teamId(), apple.keyId(), AppleTokenClient.readKey(Path.of(apple.privateKeyPath())),
                        apple.tokenUrl(), apple.revokeUrl(), AppleTokenClient.httpClient(), clock),
                ProviderTokenCipher.parse(apple.tokenEncryptionKey().reveal(), random),
                jdbi, clock, apple.revocationPollInterval().toJavaDuration(), environment.metrics());
        environment.lifecycle().manage(tokens);
        environment.admin().addTask(new RetryRevocationsTask(tokens));
        metrics.gauge("oauth_apple_revocation_outbox_depth", "Apple tokens still to revoke", null,
                () -> tokens.backlog()[0]);
        metrics.gauge("oauth_apple_revocation_outbox_oldest_age_seconds", "How long the oldest Apple token to revoke has waited",
                Unit.SECONDS, () -> tokens.backlog()[1]);
        return tokens;
    }

    /**
     * A key every instance shares through PostgreSQL ({@link ServerSecrets}), read at start so that
     * no request pays for it (if PostgreSQL is down then, the first use reads it).
     */
    private Supplier<byte[]> serverSecret(Environment environment, Jdbi jdbi, SecureRandom random, String name) {
        final Supplier<byte[]> key = ServerSecrets.shared(jdbi, random, clock, name);
        environment.lifecycle().manage(new Managed() {
            @Override
            public void start() {
                try {
                    key.get();
                } catch (RuntimeException e) {
                    LoggerFactory.getLogger(ServerSecrets.class).warn("Server secret {} not read at start ({}): read on first use",
                            name, e.toString());
                }
            }
        });
        return key;
    }

    /** Google's Cross-Account Protection events: their own keys and issuer, our client ids. */
    private static IdTokenVerifier googleSecurityEvents(OAuthApiConfiguration config, HttpClient http, Clock clock,
                                                        AuthMetrics metrics) {
        return new IdTokenVerifier(Provider.GOOGLE, Set.of("https://accounts.google.com/"),
                Set.copyOf(config.google().clientIds().values()),
                new RemoteJwks(Provider.GOOGLE, config.google().riscJwksUrl(), http, clock, metrics), clock,
                config.idTokens().maxAge().toJavaDuration(), false);
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
        System.exit(exitCode(error));
    }

    public static int exitCode(Throwable error) {
        if (error instanceof CommandExit exit) {
            return exit.code();
        }
        return error instanceof ArgumentParserException ? CommandExit.USAGE : 1;
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
