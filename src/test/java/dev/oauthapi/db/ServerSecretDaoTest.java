package dev.oauthapi.db;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static dev.oauthapi.db.Rows.HANDLE;
import static dev.oauthapi.db.Rows.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class ServerSecretDaoTest {
    /** A 256-bit key, every byte {@code value}. */
    private static byte[] key(int value) {
        final byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) value);
        return key;
    }

    @Test
    void theFirstValueStoredWinsForever() {
        final String name = "test-" + UUID.randomUUID();

        final byte[] first = new ServerSecretDao(HANDLE).getOrCreate(name, key(1), NOW);
        final byte[] second = new ServerSecretDao(HANDLE).getOrCreate(name, key(2), NOW);

        assertThat(first).isEqualTo(key(1));
        assertThat(second).isEqualTo(key(1));
    }
}
