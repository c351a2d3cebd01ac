package dev.oauthapi.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The {@code apple} block. No client ids means Apple sign-in is off. The team id, key id and
 * private key path turn on the exchange of authorization codes and the revocation of Apple
 * tokens; they come as a set, and with them the key that encrypts Apple's refresh tokens at rest.
 * The migration URL serves the transfer commands; the private relay domains name Apple's
 * "Hide My Email" addresses.
 */
public record AppleConfig(
        @NotNull CommaSeparated clientIds,
        @NotNull URI jwksUrl,
        @NotNull String teamId,
        @NotNull String keyId,
        @NotNull String privateKeyPath,
        @NotNull URI tokenUrl,
        @NotNull URI revokeUrl,
        @NotNull URI migrationUrl,
        @NotNull CommaSeparated privateRelayDomains,
        @NotNull Secret tokenEncryptionKey,
        boolean requireNonce,
        @NotNull @MinDuration(value = 1, unit = TimeUnit.SECONDS) Duration revocationPollInterval) {

    @JsonIgnore
    public boolean isEnabled() {
        return !clientIds.isEmpty();
    }

    @JsonIgnore
    public boolean isCodeExchangeEnabled() {
        return !teamId.isBlank();
    }

    @JsonIgnore
    @AssertTrue(message = "APPLE_TEAM_ID, APPLE_KEY_ID and APPLE_PRIVATE_KEY_PATH must be set together, "
            + "and with them APPLE_TOKEN_ENCRYPTION_KEY")
    public boolean isCodeExchangeComplete() {
        if (teamId == null || keyId == null || privateKeyPath == null || tokenEncryptionKey == null) {
            return true; // @NotNull reports these
        }
        final long set = Stream.of(teamId, keyId, privateKeyPath).filter(value -> !value.isBlank()).count();
        return set == 0 || (set == 3 && !tokenEncryptionKey.isEmpty());
    }
}
