package dev.oauthapi.redis;

import redis.clients.jedis.params.SetParams;

import java.time.Duration;
import java.util.Optional;

/**
 * What the browser sign-in keeps in Redis between its steps. Pending authorizations are not kept:
 * each travels sealed in its {@code state}, so asking for one costs no memory here. Only a state
 * that came back is remembered, until it would have expired anyway, so that it works once. The
 * grant behind a one-time code is kept until the app exchanges it, which happens only after a
 * provider token verified; it is sealed by the caller, so that a value written into Redis by
 * anyone else is no grant. A code is taken exactly once: {@code GETDEL} is atomic, so two
 * exchanges of one code cannot both win. Keys hold a hash, never the value the browser carries.
 */
public final class WebSignInStore {
    /** Short on purpose: a flood of junk callbacks leaves one of these per state for 10 minutes. */
    private static final String USED_STATES = "oauth-api:wsu:";
    private static final String CODES = "oauth-api:web-code:";

    private final Redis redis;

    public WebSignInStore(Redis redis) {
        this.redis = redis;
    }

    /** Marks the state used; false when it already was. Atomic: two callbacks with one state cannot both win. */
    public boolean markStateUsed(String stateHash, Duration remember) {
        return "OK".equals(redis.call(jedis -> jedis.set(USED_STATES + stateHash, "1",
                SetParams.setParams().nx().px(Math.max(1, remember.toMillis())))));
    }

    public void putCode(String codeHash, String grant, Duration lifetime) {
        redis.call(jedis -> jedis.set(CODES + codeHash, grant, SetParams.setParams().px(lifetime.toMillis())));
    }

    public Optional<String> takeCode(String codeHash) {
        return Optional.ofNullable(redis.call(jedis -> jedis.getDel(CODES + codeHash)));
    }
}
