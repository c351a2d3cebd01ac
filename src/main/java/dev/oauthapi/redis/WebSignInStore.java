package dev.oauthapi.redis;

import redis.clients.jedis.params.SetParams;

import java.time.Duration;
import java.util.Optional;

/**
 * What the browser sign-in keeps between its steps: the pending authorization of a {@code state}
 * (until the provider sends the browser back), and the grant behind a one-time code (until the
 * app exchanges it). Each is taken exactly once: {@code GETDEL} is atomic, so two callbacks with
 * one state, or two exchanges of one code, cannot both win. Keys hold a hash, never the value the
 * browser carries.
 */
public final class WebSignInStore {
    private static final String STATES = "oauth-api:web-state:";
    private static final String CODES = "oauth-api:web-code:";

    private final Redis redis;

    public WebSignInStore(Redis redis) {
        this.redis = redis;
    }

    public void putState(String stateHash, String pending, Duration lifetime) {
        put(STATES + stateHash, pending, lifetime);
    }

    public Optional<String> takeState(String stateHash) {
        return take(STATES + stateHash);
    }

    public void putCode(String codeHash, String grant, Duration lifetime) {
        put(CODES + codeHash, grant, lifetime);
    }

    public Optional<String> takeCode(String codeHash) {
        return take(CODES + codeHash);
    }

    private void put(String key, String value, Duration lifetime) {
        redis.call(jedis -> jedis.set(key, value, SetParams.setParams().px(lifetime.toMillis())));
    }

    private Optional<String> take(String key) {
        return Optional.ofNullable(redis.call(jedis -> jedis.getDel(key)));
    }
}
