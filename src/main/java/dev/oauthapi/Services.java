package dev.oauthapi;

import dev.oauthapi.admin.AdminUsers;
import dev.oauthapi.appcheck.AppCheck;
import dev.oauthapi.appcheck.AppCheckGate;
import dev.oauthapi.appcheck.AppTokens;
import dev.oauthapi.dpop.DpopBinding;
import dev.oauthapi.dpop.DpopNonces;
import dev.oauthapi.dpop.DpopProofs;
import dev.oauthapi.admin.AuditTrail;
import dev.oauthapi.admin.PageCursors;
import dev.oauthapi.admin.UsageStats;
import dev.oauthapi.config.AppleConfig;
import dev.oauthapi.config.WebSignInConfig;
import dev.oauthapi.db.RowIds;
import dev.oauthapi.identity.AppleTokenClient;
import dev.oauthapi.identity.GoogleCodeExchange;
import dev.oauthapi.identity.IdTokenVerifier;
import dev.oauthapi.identity.Nonces;
import dev.oauthapi.identity.PrivateRelay;
import dev.oauthapi.identity.Provider;
import dev.oauthapi.identity.RemoteJwks;
import dev.oauthapi.metrics.AuthMetrics;
import dev.oauthapi.redis.Redis;
import dev.oauthapi.redis.SessionStates;
import dev.oauthapi.passkeys.Authenticators;
import dev.oauthapi.passkeys.PasskeyChallenges;
import dev.oauthapi.passkeys.Passkeys;
import dev.oauthapi.redis.SignInMarks;
import dev.oauthapi.redis.SingleUseKeys;
import dev.oauthapi.redis.UserVersions;
import dev.oauthapi.redis.WebSignInStore;
import dev.oauthapi.sessions.RefreshRotation;
import dev.oauthapi.sessions.SessionGate;
import dev.oauthapi.sessions.SessionLifecycle;
import dev.oauthapi.sessions.SessionPurge;
import dev.oauthapi.sessions.Sessions;
import dev.oauthapi.tokens.AccessTokens;
import dev.oauthapi.tokens.ProviderTokenCipher;
import dev.oauthapi.tokens.RefreshTokens;
import dev.oauthapi.tokens.ServerMac;
import dev.oauthapi.tokens.ServerSeal;
import dev.oauthapi.tokens.ServerSecrets;
import dev.oauthapi.tokens.SigningKeyReload;
import dev.oauthapi.tokens.SigningKeys;
import dev.oauthapi.tokens.SuccessorSeal;
import dev.oauthapi.admin.AccountAdministration;
import dev.oauthapi.users.AccountDeletion;
import dev.oauthapi.users.AccountResolution;
import dev.oauthapi.users.Guests;
import dev.oauthapi.users.Identities;
import dev.oauthapi.users.MergeTokens;
import dev.oauthapi.users.Profiles;
import dev.oauthapi.signin.AppleTokens;
import dev.oauthapi.signin.GuestSignIn;
import dev.oauthapi.signin.OAuthGrants;
import dev.oauthapi.signin.PasskeySignIn;
import dev.oauthapi.users.ProfileCache;
import dev.oauthapi.signin.ProviderEvents;
import dev.oauthapi.signin.RetryRevocationsTask;
import dev.oauthapi.signin.SignInService;
import dev.oauthapi.signin.WebSignIn;
import io.dropwizard.lifecycle.Managed;
import io.prometheus.metrics.model.snapshots.Unit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The domain's object graph, built once from the configuration, in order: the service
 * ({@link OAuthApiApplication#run}), the command line ({@code users}) and dev mode all use this one.
 * Services get plain values, never the whole configuration.
 */
public record Services(SigningKeys signingKeys, AccessTokens accessTokens, SessionGate sessionGate, Profiles profiles,
                       Identities identities, AccountDeletion deletion, AccountAdministration administration,
                       RefreshRotation rotation, Sessions sessions, SignInService signIn, WebSignIn webSignIn,
                       ProviderEvents providerEvents, AdminUsers adminUsers, AuditTrail auditTrail, UsageStats usageStats,
                       Passkeys passkeys, PasskeySignIn passkeySignIn, AppCheck appCheck, DpopBinding dpop,
                       OAuthGrants oauth, GuestSignIn guestSignIn) {
    /** Profiles kept for {@code /api/users/me}: under 1 KiB each, so at most some 10 MiB. */
    private static final long PROFILE_CACHE_SIZE = 10_000;

    public static Services build(OAuthApiConfiguration config, Jdbi jdbi, Redis redis, AuthMetrics metrics, Clock clock,
                                 Host host) {
        final SecureRandom random = new SecureRandom();
        final Keys keys = new Keys(jdbi, random, clock, host);
        final SigningKeys signingKeys = SigningKeys.load(Path.of(config.tokens().keysDir()),
                config.tokens().keyActivationDelay().toJavaDuration(), clock);
        host.manage(new SigningKeyReload(signingKeys));

        // Tokens and sessions
        final Duration accessTokenTtl = config.tokens().accessTokenTtl().toJavaDuration();
        final AccessTokens accessTokens = new AccessTokens(signingKeys, config.tokens().issuer(),
                config.tokens().audience(), accessTokenTtl, clock);
        final RefreshTokens refreshTokens = new RefreshTokens(random, new ServerMac(keys.shared(ServerSecrets.REFRESH_TOKENS)));
        final AppCheck appCheck = AppCheck.build(config.appCheck(), new AppTokens(signingKeys, config.tokens().issuer(),
                        config.tokens().audience(), config.appCheck().tokenTtl().toJavaDuration(), clock), jdbi,
                new SignInMarks(redis), keys.shared(ServerSecrets.APP_CHECK_CHALLENGES), webClients(config), random,
                clock, metrics);
        final DpopBinding dpop = dpop(config, redis, keys, clock, metrics);
        final SessionGate sessionGate = new SessionGate(new SessionStates(redis),
                new ServerMac(keys.shared(ServerSecrets.SESSION_CACHE)), jdbi, clock, accessTokenTtl, metrics);
        host.manage(sessionGate);
        final ProfileCache profiles = new ProfileCache(new UserVersions(redis), PROFILE_CACHE_SIZE);
        final RowIds rowIds = new RowIds(clock, random);
        final SessionLifecycle lifecycle = new SessionLifecycle(jdbi, sessionGate, refreshTokens, rowIds, clock,
                config.sessions().refreshTokenTtl().toJavaDuration(), config.sessions().maxLifetime().toJavaDuration(),
                metrics, profiles::changed, config.sessions().issuesLegacyRefreshTokens());
        final RefreshRotation rotation = new RefreshRotation(jdbi, accessTokens, refreshTokens,
                new SuccessorSeal(random), lifecycle, clock, config.sessions().refreshTokenTtl().toJavaDuration(),
                config.sessions().reuseGrace().toJavaDuration(), metrics, appCheck.gate(), dpop);
        final Sessions sessions = new Sessions(jdbi, lifecycle, clock);
        host.manage(new SessionPurge(jdbi, clock, config.anonymous().retention().toJavaDuration()));

        // Accounts, sign-in, administration
        final MergeTokens mergeTokens = new MergeTokens(new ServerSeal(keys.shared(ServerSecrets.MERGE_TOKENS), random),
                random, clock);
        final PrivateRelay privateRelay = PrivateRelay.of(config.apple().privateRelayDomains().values());
        final Identities identities = new Identities(lifecycle, rowIds, mergeTokens, privateRelay, clock);
        final AccountDeletion deletion = new AccountDeletion(lifecycle, clock);
        final SignIn signIn = signIn(config, jdbi, redis, metrics, clock, host, random, keys, accessTokens,
                new AccountResolution(lifecycle, rowIds, privateRelay, clock), identities, appCheck.gate(), dpop, privateRelay);
        final ProviderEvents providerEvents = new ProviderEvents(signIn.appleEvents(), signIn.googleEvents(), lifecycle,
                deletion, clock, metrics);
        final AccountAdministration administration = new AccountAdministration(jdbi, lifecycle, deletion, clock);
        final PageCursors cursors = new PageCursors(keys.shared(ServerSecrets.CURSORS));

        // Passkeys
        final Passkeys passkeys = new Passkeys(config.passkeys(), jdbi, lifecycle,
                new PasskeyChallenges(keys.shared(ServerSecrets.PASSKEY_CHALLENGES), random, clock), new SignInMarks(redis),
                Authenticators.bundled(), metrics, rowIds, random, clock);
        final Set<String> knownClients = new HashSet<>(config.google().clientIds().values());
        knownClients.addAll(config.apple().clientIds().values());
        final Set<String> oauthClients = new HashSet<>(knownClients);
        oauthClients.addAll(config.oauth().clientIds().values());
        final PasskeySignIn passkeySignIn = new PasskeySignIn(passkeys, lifecycle, accessTokens, knownClients, metrics,
                appCheck.gate(), dpop, clock);

        // Guests
        final Guests guests = new Guests(lifecycle, rowIds, clock);
        final GuestSignIn guestSignIn = new GuestSignIn(config.anonymous().enabled(), guests, mergeTokens,
                new SingleUseKeys(redis, SingleUseKeys.MERGE_TOKENS), signIn.service(), appCheck.gate(), accessTokens,
                metrics);
        return new Services(signingKeys, accessTokens, sessionGate, new Profiles(jdbi, lifecycle, clock, profiles),
                identities, deletion, administration, rotation, sessions, signIn.service(), signIn.web(), providerEvents,
                new AdminUsers(jdbi, administration, sessions, cursors, passkeys, clock), new AuditTrail(jdbi, cursors),
                new UsageStats(jdbi, clock), passkeys, passkeySignIn, appCheck, dpop,
                new OAuthGrants(signIn.service(), signIn.web(), rotation, sessions, accessTokens, refreshTokens, oauthClients),
                guestSignIn);
    }

    /** DPoP as configured: proofs checked against {@code PUBLIC_BASE_URL}, their jtis remembered in Redis. */
    private static DpopBinding dpop(OAuthApiConfiguration config, Redis redis, Keys keys, Clock clock,
                                    AuthMetrics metrics) {
        if (!config.dpop().isOn()) {
            return DpopBinding.off();
        }
        final DpopNonces nonces = config.dpop().nonces()
                ? new DpopNonces(new ServerMac(keys.shared(ServerSecrets.DPOP_NONCES)), clock) : null;
        return new DpopBinding(config.dpop().isRequired() ? DpopBinding.Mode.REQUIRED : DpopBinding.Mode.OPTIONAL,
                new DpopProofs(config.dpop().proofLifetime().toJavaDuration(), nonces, clock),
                new SingleUseKeys(redis, SingleUseKeys.DPOP_PROOFS), config.publicBaseUrl(), metrics);
    }

    /**
     * The clients that cannot attest, so the app-check gate lets them through: the web client ids
     * of Google and Apple (the browser sign-in's, and web apps'), the OAuth clients that are no
     * provider's, and the web origins passkeys may come from ({@code https://<RP ID>} is what iOS
     * apps send: not web).
     */
    private static Set<String> webClients(OAuthApiConfiguration config) {
        final Set<String> web = new HashSet<>();
        if (!config.web().googleClientId().isBlank()) {
            web.add(config.web().googleClientId());
        }
        if (!config.web().appleClientId().isBlank()) {
            web.add(config.web().appleClientId());
        }
        // Clients only of OAUTH_CLIENT_IDS start sessions only through the browser sign-in: no provider
        // issues them ID tokens to exchange, and a passkey sign-in may not name them.
        config.oauth().clientIds().values().stream()
                .filter(client -> !config.google().clientIds().values().contains(client)
                        && !config.apple().clientIds().values().contains(client))
                .forEach(web::add);
        if (config.passkeys().isEnabled()) {
            config.passkeys().origins().values().stream()
                    .filter(origin -> !origin.equals("https://" + config.passkeys().rpId())).forEach(web::add);
        }
        return web;
    }

    /** Sign-in by app and by browser, and the verifiers of the providers' events. */
    private record SignIn(SignInService service, WebSignIn web, IdTokenVerifier appleEvents,
                          IdTokenVerifier googleEvents) {
    }

    private static SignIn signIn(OAuthApiConfiguration config, Jdbi jdbi, Redis redis, AuthMetrics metrics, Clock clock,
                                 Host host, SecureRandom random, Keys keys, AccessTokens accessTokens,
                                 AccountResolution accounts, Identities identities, AppCheckGate appCheck,
                                 DpopBinding dpop, PrivateRelay privateRelay) {
        final HttpClient keyFetches = RemoteJwks.httpClient();
        final RemoteJwks googleKeys = new RemoteJwks(Provider.GOOGLE, config.google().jwksUrl(), keyFetches, clock, metrics);
        final RemoteJwks appleKeys = new RemoteJwks(Provider.APPLE, config.apple().jwksUrl(), keyFetches, clock, metrics);
        metrics.gauge("oauth_provider_keys_age_seconds", "Age of the provider signing keys sign-in verifies with",
                Unit.SECONDS, "provider", () -> Map.of("google", googleKeys.ageSeconds(), "apple", appleKeys.ageSeconds()));
        final SignInService signIn = new SignInService(Map.of(Provider.GOOGLE, google(config, googleKeys, clock),
                Provider.APPLE, apple(config, appleKeys, privateRelay, clock)),
                new Nonces(keys.shared(ServerSecrets.NONCES), random, clock), new SignInMarks(redis),
                config.idTokens().replayProtection(),
                accounts, identities, accessTokens, clock, appleTokens(config.apple(), jdbi, random, clock, host, metrics),
                metrics, appCheck, dpop);
        final WebSignIn web = webSignIn(config.web(), config.publicBaseUrl(), config.tokens().issuer(), signIn, redis,
                new ServerSeal(keys.shared(ServerSecrets.WEB_SIGN_IN), random), metrics, random, clock);
        // Events verify with key caches of their own: unknown key ids in a flood of forged events
        // cannot spend the fetches that sign-in relies on.
        return new SignIn(signIn, web,
                apple(config, new RemoteJwks(Provider.APPLE, config.apple().jwksUrl(), keyFetches, clock, metrics),
                        privateRelay, clock),
                googleSecurityEvents(config, keyFetches, clock, metrics));
    }

    /** The keys every instance shares through PostgreSQL ({@link ServerSecrets}). */
    private record Keys(Jdbi jdbi, SecureRandom random, Clock clock, Host host) {
        /** Read at start, so that no request pays for it (if PostgreSQL is down then, the first use reads it). */
        Supplier<byte[]> shared(String name) {
            final Supplier<byte[]> key = ServerSecrets.shared(jdbi, random, clock, name);
            host.manage(new Managed() {
                @Override
                public void start() {
                    try {
                        key.get();
                    } catch (RuntimeException e) {
                        LoggerFactory.getLogger(ServerSecrets.class).warn(
                                "Server secret {} not read at start ({}): read on first use", name, e.toString());
                    }
                }
            });
            return key;
        }
    }

    /** A provider with no client ids is off. */
    private static IdTokenVerifier google(OAuthApiConfiguration config, RemoteJwks keys, Clock clock) {
        return new IdTokenVerifier(Provider.GOOGLE, Set.copyOf(config.google().clientIds().values()), keys, clock,
                config.idTokens().maxAge().toJavaDuration(), config.google().requireNonce());
    }

    /** Each use gets a key cache of its own ({@code keys}), with its own budget of fetches for unknown key ids. */
    private static IdTokenVerifier apple(OAuthApiConfiguration config, RemoteJwks keys, PrivateRelay privateRelay,
                                         Clock clock) {
        return new IdTokenVerifier(Provider.APPLE, Provider.APPLE.issuers(), Set.copyOf(config.apple().clientIds().values()),
                keys, clock, config.idTokens().maxAge().toJavaDuration(), config.apple().requireNonce(), privateRelay);
    }

    /** Google's Cross-Account Protection events: their own keys and issuer, our client ids. */
    private static IdTokenVerifier googleSecurityEvents(OAuthApiConfiguration config, HttpClient http, Clock clock,
                                                        AuthMetrics metrics) {
        return new IdTokenVerifier(Provider.GOOGLE, Set.of("https://accounts.google.com/"),
                Set.copyOf(config.google().clientIds().values()),
                new RemoteJwks(Provider.GOOGLE, config.google().riscJwksUrl(), http, clock, metrics), clock,
                config.idTokens().maxAge().toJavaDuration(), false);
    }

    /** Apple code exchange and token revocation, when the team's key is configured; else null. */
    private static AppleTokens appleTokens(AppleConfig apple, Jdbi jdbi, SecureRandom random, Clock clock, Host host,
                                           AuthMetrics metrics) {
        if (!apple.isCodeExchangeEnabled()) {
            return null;
        }
        final AppleTokens tokens = new AppleTokens(
                AppleTokenClient.of(apple, clock),
                ProviderTokenCipher.parse(apple.tokenEncryptionKey().reveal(), random),
                jdbi, clock, apple.revocationPollInterval().toJavaDuration(), host.metrics());
        host.manage(tokens);
        host.addTask(new RetryRevocationsTask(tokens));
        metrics.gauge("oauth_apple_revocation_outbox_depth", "Apple tokens still to revoke", null,
                () -> tokens.backlog()[0]);
        metrics.gauge("oauth_apple_revocation_outbox_oldest_age_seconds", "How long the oldest Apple token to revoke has waited",
                Unit.SECONDS, () -> tokens.backlog()[1]);
        return tokens;
    }

    /** Sign-in through the browser; each provider takes part when its web client is configured. */
    private static WebSignIn webSignIn(WebSignInConfig web, URI base, String issuer, SignInService signIn, Redis redis,
                                       ServerSeal seal, AuthMetrics metrics, SecureRandom random, Clock clock) {
        return new WebSignIn(signIn, new WebSignInStore(redis), new SingleUseKeys(redis, SingleUseKeys.WEB_STATES), seal,
                new WebSignIn.Endpoints(Set.copyOf(web.redirectUris().values()), callback(base, "google"),
                        callback(base, "apple"), web.googleAuthorizationUrl(), web.appleAuthorizationUrl(), issuer),
                web.isGoogleEnabled()
                        ? new GoogleCodeExchange(web.googleTokenUrl(), web.googleClientId(), web.googleClientSecret().reveal())
                        : null,
                web.isAppleEnabled() ? web.appleClientId() : null, metrics, random, clock);
    }

    /** Where a provider sends the browser back to. */
    private static URI callback(URI base, String provider) {
        return URI.create(base.toString().replaceAll("/$", "") + "/api/auth/" + provider + "/callback");
    }
}
