package dev.oauthapi.redis;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script called by its SHA-1: the text is sent only when Redis does not know it yet (first
 * use, or after a restart emptied its script cache), so a call is one round trip.
 */
final class RedisScript {
    private final String text;
    private final String sha1;

    RedisScript(String text) {
        this.text = text;
        this.sha1 = sha1Hex(text);
    }

    Object run(UnifiedJedis jedis, List<String> keys, List<String> args) {
        try {
            return jedis.evalsha(sha1, keys, args);
        } catch (JedisNoScriptException notLoaded) {
            return jedis.eval(text, keys, args);
        }
    }

    private static String sha1Hex(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }
}
