package dev.oauthapi;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.oauthapi.config.AnonymousConfig;
import dev.oauthapi.config.AppleConfig;
import dev.oauthapi.config.DocsConfig;
import dev.oauthapi.config.GoogleConfig;
import dev.oauthapi.config.IdTokensConfig;
import dev.oauthapi.config.MigrationConfig;
import dev.oauthapi.config.NetworkConfig;
import dev.oauthapi.config.AppCheckConfig;
import dev.oauthapi.config.DpopConfig;
import dev.oauthapi.config.OAuthConfig;
import dev.oauthapi.config.PasskeysConfig;
import dev.oauthapi.config.RateLimitsConfig;
import dev.oauthapi.config.RedisConfig;
import dev.oauthapi.config.SessionsConfig;
import dev.oauthapi.config.TokensConfig;
import dev.oauthapi.config.WebSignInConfig;
import io.dropwizard.core.Configuration;
import io.dropwizard.db.DataSourceFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * The root of {@code config.yml}. Dropwizard's own blocks ({@code server}, {@code logging},
 * {@code metrics}) come from {@link Configuration}; ours are one validated record each.
 */
public class OAuthApiConfiguration extends Configuration {
    @Valid @NotNull @JsonProperty
    private DataSourceFactory database = new DataSourceFactory();

    @Valid @NotNull @JsonProperty
    private RedisConfig redis;

    @Valid @NotNull @JsonProperty
    private TokensConfig tokens;

    @Valid @NotNull @JsonProperty
    private SessionsConfig sessions;

    @Valid @NotNull @JsonProperty
    private GoogleConfig google;

    @Valid @NotNull @JsonProperty
    private AppleConfig apple;

    @Valid @NotNull @JsonProperty
    private IdTokensConfig idTokens;

    @Valid @NotNull @JsonProperty
    private NetworkConfig network;

    @Valid @NotNull @JsonProperty
    private RateLimitsConfig rateLimits;

    @Valid @NotNull @JsonProperty
    private WebSignInConfig web;

    @Valid @NotNull @JsonProperty
    private DocsConfig docs;

    @Valid @NotNull @JsonProperty
    private PasskeysConfig passkeys;

    @Valid @NotNull @JsonProperty
    private AppCheckConfig appCheck;

    @Valid @NotNull @JsonProperty
    private DpopConfig dpop;

    @Valid @NotNull @JsonProperty
    private OAuthConfig oauth;

    @Valid @NotNull @JsonProperty
    private AnonymousConfig anonymous;

    @Valid @NotNull @JsonProperty
    private MigrationConfig migration;

    public DataSourceFactory database() {
        return database;
    }

    /** The {@code database} block as {@code db migrate} uses it: as the schema's owner, when one is set. */
    public DataSourceFactory migrationDatabase() {
        if (migration.username().isBlank()) {
            return database;
        }
        final DataSourceFactory owner = new DataSourceFactory();
        owner.setDriverClass(database.getDriverClass());
        owner.setUrl(database.getUrl());
        owner.setProperties(database.getProperties());
        owner.setUser(migration.username());
        owner.setPassword(migration.password().reveal());
        return owner;
    }

    public RedisConfig redis() {
        return redis;
    }

    public TokensConfig tokens() {
        return tokens;
    }

    public SessionsConfig sessions() {
        return sessions;
    }

    public GoogleConfig google() {
        return google;
    }

    public AppleConfig apple() {
        return apple;
    }

    public IdTokensConfig idTokens() {
        return idTokens;
    }

    public NetworkConfig network() {
        return network;
    }

    public RateLimitsConfig rateLimits() {
        return rateLimits;
    }

    public WebSignInConfig web() {
        return web;
    }

    public DocsConfig docs() {
        return docs;
    }

    public PasskeysConfig passkeys() {
        return passkeys;
    }

    public AppCheckConfig appCheck() {
        return appCheck;
    }

    public DpopConfig dpop() {
        return dpop;
    }

    public OAuthConfig oauth() {
        return oauth;
    }

    public AnonymousConfig anonymous() {
        return anonymous;
    }

    /**
     * Where apps and browsers reach this service, and the OAuth endpoints, callbacks and DPoP
     * {@code htu}s live: {@code PUBLIC_BASE_URL}, else the origin of {@code JWT_ISSUER}.
     */
    @JsonIgnore
    public URI publicBaseUrl() {
        if (!web.isPublicBaseUrlUnset()) {
            return web.publicBaseUrl();
        }
        final URI issuer = URI.create(tokens.issuer());
        return URI.create(issuer.getScheme() + "://" + issuer.getRawAuthority());
    }

    /**
     * RFC 8414 §2 and §3: clients find our metadata from the issuer, so it must be a URL on the host
     * apps reach (https, or http on loopback), with no query or fragment.
     */
    @JsonIgnore
    @AssertTrue(message = "JWT_ISSUER must be an https URL (http only on localhost, 127.0.0.1 or [::1]) without"
            + " a query or fragment, on the host of PUBLIC_BASE_URL (OAuth clients look up /.well-known/"
            + "oauth-authorization-server on the issuer's host)")
    public boolean isIssuerOnPublicBaseUrl() {
        if (tokens == null || tokens.issuer() == null || web == null) {
            return true;
        }
        final URI issuer;
        try {
            issuer = new URI(tokens.issuer());
        } catch (URISyntaxException e) {
            return false;
        }
        final boolean loopback = issuer.getHost() != null
                && Set.of("localhost", "127.0.0.1", "[::1]").contains(issuer.getHost());
        if (issuer.getScheme() == null || issuer.getHost() == null || issuer.getRawUserInfo() != null
                || issuer.getRawQuery() != null || issuer.getRawFragment() != null
                || !("https".equals(issuer.getScheme()) || "http".equals(issuer.getScheme()) && loopback)) {
            return false;
        }
        if (web.isPublicBaseUrlUnset() || !web.isPublicBaseUrlPlain()) {
            return true; // the other check names a malformed PUBLIC_BASE_URL
        }
        final URI base = web.publicBaseUrl();
        return issuer.getScheme().equals(base.getScheme().toLowerCase(java.util.Locale.ROOT))
                && issuer.getHost().equalsIgnoreCase(base.getHost()) && port(issuer) == port(base);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** The web clients' ID tokens go through the same verifier as the apps': it must accept their audience. */
    @JsonIgnore
    @AssertTrue(message = "GOOGLE_WEB_CLIENT_ID must be one of GOOGLE_CLIENT_IDS, and APPLE_WEB_CLIENT_ID one of APPLE_CLIENT_IDS")
    public boolean isWebClientAnAudience() {
        if (web == null || google == null || apple == null || web.googleClientId() == null || web.appleClientId() == null
                || google.clientIds() == null || apple.clientIds() == null) {
            return true;
        }
        return (web.googleClientId().isBlank() || google.clientIds().values().contains(web.googleClientId()))
                && (web.appleClientId().isBlank() || apple.clientIds().values().contains(web.appleClientId()));
    }

    /** A session that idles out before its access tokens do would leave tokens of an ended session working. */
    @JsonIgnore
    @AssertTrue(message = "REFRESH_TOKEN_TTL must not be shorter than ACCESS_TOKEN_TTL")
    public boolean isIdleLifetimeAtLeastAccessTokenLifetime() {
        return tokens == null || sessions == null || tokens.accessTokenTtl() == null || sessions.refreshTokenTtl() == null
                || sessions.refreshTokenTtl().toJavaDuration().compareTo(tokens.accessTokenTtl().toJavaDuration()) >= 0;
    }
}
