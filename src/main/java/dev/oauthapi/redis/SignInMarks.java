package dev.oauthapi.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one sign-in uses once, marked together in one round trip: the provider token (so that it
 * cannot sign in twice) and our nonce it carries (so that the nonce works once). Both keys carry
 * one hash tag, chosen by the caller from the token's nonce claim (or, without one, the token
 * itself): Redis Cluster keeps them in one slot, where one script may use both. A token's nonce
 * claim never changes, so a token always maps to the same tag. Keys hold hashes, never the values.
 */
public final class SignInMarks {
    private static final String TOKENS = "oauth-api:used-id-token:";
    private static final String NONCES = "oauth-api:nonce-used:";
    /** Returns the position of the first key already there, else marks them all and returns 0. */
    private static final RedisScript TAKE = new RedisScript("""
            for i = 1, #KEYS do
              if redis.call('EXISTS', KEYS[i]) == 1 then return i end
            end
            for i = 1, #KEYS do
              redis.call('SET', KEYS[i], '1', 'PX', ARGV[i])
            end
            return 0""");

    /** What {@link #take} found. */
    public enum Taken { BOTH, TOKEN_USED, NONCE_USED }

    /**
     * One value to mark: its hash, and how long to remember it (until it would have expired anyway;
     * a relative lifetime, since Redis's clock may differ from ours).
     */
    public record Mark(String hash, Duration remember) {
    }

    private final Redis redis;

    public SignInMarks(Redis redis) {
        this.redis = redis;
    }

    /**
     * Marks the token and the nonce used (either may be null), atomically: two concurrent sign-ins
     * with one of them cannot both win, and a refused one marks nothing.
     */
    public Taken take(String tag, Mark token, Mark nonce) {
        final List<String> keys = keys(tag, token, nonce);
        if (keys.isEmpty()) {
            return Taken.BOTH;
        }
        final List<String> lifetimes = new ArrayList<>(2);
        for (Mark mark : new Mark[] {token, nonce}) {
            if (mark != null) {
                lifetimes.add(Long.toString(Math.max(1, mark.remember().toMillis())));
            }
        }
        final long found = (Long) redis.call(jedis -> TAKE.run(jedis, keys, lifetimes));
        if (found == 0) {
            return Taken.BOTH;
        }
        return found == 1 && token != null ? Taken.TOKEN_USED : Taken.NONCE_USED;
    }

    /**
     * Runs {@code work} once the single-use value of this hash (a challenge's) is marked used,
     * remembered for {@code remember}; gives the mark back if the work fails, so a retry works.
     * Throws {@code used} when it was used before.
     */
    public <T> T once(String hash, Duration remember, java.util.function.Supplier<T> work,
                      java.util.function.Supplier<? extends RuntimeException> used) {
        final Mark mark = new Mark(hash, remember);
        final String tag = hash.substring(0, 16);
        if (take(tag, null, mark) != Taken.BOTH) {
            throw used.get();
        }
        try {
            return work.get();
        } catch (RuntimeException e) {
            giveBack(tag, null, mark);
            throw e;
        }
    }

    /** Undoes {@link #take} when the sign-in it was for failed, so that a retry works. */
    public void giveBack(String tag, Mark token, Mark nonce) {
        final List<String> keys = keys(tag, token, nonce);
        if (!keys.isEmpty()) {
            redis.call(jedis -> jedis.del(keys.toArray(String[]::new)));
        }
    }

    private static List<String> keys(String tag, Mark token, Mark nonce) {
        final List<String> keys = new ArrayList<>(2);
        if (token != null) {
            keys.add(TOKENS + "{" + tag + "}" + token.hash());
        }
        if (nonce != null) {
            keys.add(NONCES + "{" + tag + "}" + nonce.hash());
        }
        return keys;
    }
}
