package dev.oauthapi.dpop;

import dev.oauthapi.tokens.ServerMac;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Server nonces for DPoP (RFC 9449 §8), stateless: the time a nonce was made, sealed with a MAC
 * under a key every instance shares, so any instance tells one of ours and its age with no store.
 * A new one is handed out every {@link #ROTATION}; one is accepted for {@link #LIFETIME}.
 */
public final class DpopNonces {
    /** How often the nonce handed out changes: answers within it carry the same one. */
    public static final Duration ROTATION = Duration.ofSeconds(30);
    /** How long a nonce is accepted after it was made. */
    public static final Duration LIFETIME = Duration.ofMinutes(2);

    private final ServerMac mac;
    private final Clock clock;

    public DpopNonces(ServerMac mac, Clock clock) {
        this.mac = mac;
        this.clock = clock;
    }

    /** The nonce of the current rotation period: its start, sealed. */
    public String issue() {
        final long period = clock.millis() / ROTATION.toMillis() * ROTATION.toMillis();
        return mac.seal(ByteBuffer.allocate(Long.BYTES).putLong(period).array());
    }

    /** When a nonce of ours was made; empty for anything else. */
    public Optional<Instant> issuedAt(String nonce) {
        if (nonce == null || nonce.length() > 64) {
            return Optional.empty();
        }
        return mac.open(nonce, Long.BYTES).map(bytes -> Instant.ofEpochMilli(ByteBuffer.wrap(bytes).getLong()));
    }
}
