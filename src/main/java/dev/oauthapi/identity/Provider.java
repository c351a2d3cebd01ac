package dev.oauthapi.identity;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The identity providers apps sign in with, and the issuers each one's tokens carry. */
public enum Provider {
    GOOGLE(Set.of("https://accounts.google.com", "accounts.google.com"),
            "https://www.googleapis.com/oauth2/v3/certs"),
    APPLE(Set.of("https://appleid.apple.com"),
            "https://appleid.apple.com/auth/keys");

    private final Set<String> issuers;
    private final String defaultJwksUrl;

    Provider(Set<String> issuers, String defaultJwksUrl) {
        this.issuers = issuers;
        this.defaultJwksUrl = defaultJwksUrl;
    }

    /** The name on the wire and in the database: {@code google}, {@code apple}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Set<String> issuers() {
        return issuers;
    }

    /** Where the provider publishes its keys; config.yml names the same default. */
    public String defaultJwksUrl() {
        return defaultJwksUrl;
    }

    /** The provider whose ID tokens carry this {@code iss}. */
    public static Optional<Provider> fromIssuer(String issuer) {
        for (Provider provider : values()) {
            if (provider.issuers().contains(issuer)) {
                return Optional.of(provider);
            }
        }
        return Optional.empty();
    }

    public static Optional<Provider> fromWireName(String name) {
        for (Provider provider : values()) {
            if (provider.wireName().equals(name)) {
                return Optional.of(provider);
            }
        }
        return Optional.empty();
    }
}
