package dev.oauthapi.redis;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisDataException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which error replies mean "Redis is up but refuses for now" (a 503), and which are our bugs. */
class RedisRefusedTest {
    @Test
    void writeRefusalsAreRecognised() {
        for (String reply : new String[] {
                "OOM command not allowed when used memory > 'maxmemory'.",
                "READONLY You can't write against a read only replica.",
                "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk.",
                "LOADING Redis is loading the dataset in memory",
                "BUSY Redis is busy running a script.",
                "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
                "NOREPLICAS Not enough good replicas to write."}) {
            assertThat(RedisRefused.isRefusal(new JedisDataException(reply))).as(reply).isTrue();
        }
    }

    @Test
    void otherErrorsAreNot() {
        for (String reply : new String[] {"ERR unknown command 'FOO'", "WRONGTYPE Operation against a key",
                "NOSCRIPT No matching script.", "OOMPH", ""}) {
            assertThat(RedisRefused.isRefusal(new JedisDataException(reply))).as(reply).isFalse();
        }
    }
}
