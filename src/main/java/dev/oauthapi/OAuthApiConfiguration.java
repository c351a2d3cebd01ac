package dev.oauthapi;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
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
