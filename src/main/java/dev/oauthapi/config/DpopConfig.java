package dev.oauthapi.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.util.concurrent.TimeUnit;

/**
 * The {@code dpop} block: DPoP-bound tokens (RFC 9449).
 *
 * @param mode          {@code optional} (bind when a proof is sent), {@code required} (no session
 *                      starts without one) or {@code off} (proofs are ignored)
 * @param nonces        whether proofs must carry a server nonce ({@code DPoP-Nonce})
 * @param proofLifetime how far a proof's {@code iat} may be from our clock; its {@code jti} is
 *                      remembered as long
 */
public record DpopConfig(
        @NotNull @Pattern(regexp = "optional|required|off", message = "DPOP_MODE must be optional, required or off")
        String mode,
        boolean nonces,
        @NotNull @MinDuration(value = 5, unit = TimeUnit.SECONDS) @MaxDuration(value = 10, unit = TimeUnit.MINUTES)
        Duration proofLifetime) {

    @JsonIgnore
    public boolean isOn() {
        return !"off".equals(mode);
    }

    @JsonIgnore
    public boolean isRequired() {
        return "required".equals(mode);
    }
}
