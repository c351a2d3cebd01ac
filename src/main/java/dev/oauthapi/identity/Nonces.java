package dev.oauthapi.identity;

import dev.oauthapi.tokens.ExpiringValues;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Nonces for sign-in: the app asks for one, passes it (or its SHA-256) to the Google or Apple SDK,
 * and sends it back with the token; each works once, within its lifetime, so a token captured with
 * its nonce cannot be replayed.
 *
 * <p>Issuing one costs nothing to store: a nonce carries its own expiry and an HMAC over it, under
 * a key all instances share ({@code server_secrets} in PostgreSQL), so anyone may ask for millions
 * without filling Redis. Only a nonce that is used is remembered, in Redis until it expires, and
 * using one takes a provider token that verified: a flood costs the flooder real sign-ins.
 *
 * <p>Layout: {@link ExpiringValues} with 16 random bytes.
 */
public final class Nonces {
    public static final Duration TTL = Duration.ofMinutes(10);

    private final ExpiringValues values;

    /** @param key the shared HMAC key, looked up on first use (and again until that works) */
    public Nonces(Supplier<byte[]> key, SecureRandom random, Clock clock) {
        this.values = new ExpiringValues(key, random, clock, TTL, 16);
    }

    public String issue() {
        return values.issue();
    }

    /**
     * The nonce's expiry if it is one of ours, intact and not expired; else null. Whether it was
     * used is the sign-in's to mark, with the token that carries it ({@code SignInMarks}).
     */
    public Instant expiry(String nonce) {
        return values.expiryOf(nonce).filter(expiry -> !values.hasPassed(expiry)).orElse(null);
    }
}
