package dev.oauthapi.redis;

import redis.clients.jedis.params.SetParams;

import java.time.Duration;
import java.util.Optional;

/**
 * What the browser sign-in keeps in Redis between its steps. Pending authorizations are not kept:
 * each travels sealed in its {@code state}, so asking for one costs no memory here; only a state
 * that signed someone in is remembered ({@link SingleUseKeys#WEB_STATES}). The grant behind a one-time code is kept until the app exchanges it, which happens only after a
 * provider token verified; it is sealed by the caller, so that a value written into Redis by
 * anyone else is no grant. A code is taken exactly once: {@code GETDEL} is atomic, so two
 * exchanges of one code cannot both win. Keys hold a hash, never the value the browser carries.
 */
public final class WebSignInStore {
    private static final String CODES = "oauth-api:web-code:";

    private final Redis redis;

    public WebSignInStore(Redis redis) {
        this.redis = redis;
    }

    public void putCode(String codeHash, String grant, Duration lifetime) {
        redis.call(jedis -> jedis.set(CODES + codeHash, grant, SetParams.setParams().px(lifetime.toMillis())));
    }

    public Optional<String> takeCode(String codeHash) {
        return Optional.ofNullable(redis.call(jedis -> jedis.getDel(CODES + codeHash)));
    }
}
