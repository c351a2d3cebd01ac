package dev.oauthapi.users;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oauthapi.tokens.ServerSeal;
import io.dropwizard.jackson.Jackson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The {@code mergeToken} a guest gets when its link conflicts: the conflict itself (the guest, the
 * user, and the identity the guest tried to link), an id to spend it once by, and its expiry,
 * sealed under a key every instance shares. It costs no memory until it is used; a token we did
 * not seal, or one past its 10 minutes, opens to nothing.
 */
public final class MergeTokens {
    public static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final byte[] PURPOSE = "oauth-api merge-token v1".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_LENGTH = 2048;
    private static final ObjectMapper JSON = Jackson.newObjectMapper();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /** An opened token: what it names, what spends it, and until when it works. */
    public record Claim(String id, Guests.Conflict conflict, Instant expiresAt) {
    }

    private final ServerSeal seal;
    private final SecureRandom random;
    private final Clock clock;

    public MergeTokens(ServerSeal seal, SecureRandom random, Clock clock) {
        this.seal = seal;
        this.random = random;
        this.clock = clock;
    }

    public String issue(Guests.Conflict conflict) {
        final byte[] id = new byte[16];
        random.nextBytes(id);
        try {
            return BASE64URL.encodeToString(seal.seal(PURPOSE, JSON.writeValueAsBytes(
                    new Claim(BASE64URL.encodeToString(id), conflict, clock.instant().plus(LIFETIME)))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The claim of a token we sealed that has not expired; empty for anything else. */
    public Optional<Claim> open(String token) {
        if (token == null || token.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        final byte[] sealed;
        try {
            sealed = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return seal.open(PURPOSE, sealed).map(MergeTokens::read)
                .filter(claim -> clock.instant().isBefore(claim.expiresAt()));
    }

    private static Claim read(byte[] plain) {
        try {
            return JSON.readValue(plain, Claim.class);
        } catch (IOException e) {
            throw new IllegalStateException(e); // sealed by us: always our own JSON
        }
    }
}
