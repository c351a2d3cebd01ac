package dev.oauthapi.db;

import org.junit.jupiter.api.Test;

import static dev.oauthapi.db.Rows.HANDLE;
import static dev.oauthapi.db.Rows.NOW;
import static dev.oauthapi.db.Rows.hash;
import static org.assertj.core.api.Assertions.assertThat;

class AppAttestKeyDaoTest {
    private static AppAttestKeyRow key() {
        return new AppAttestKeyRow(hash(), new byte[] {1, 2, 3}, 0, new byte[] {9}, "ABCDE12345.com.example.app",
                "production", NOW, null, null);
    }

    @Test
    void aKeyIsAttestedOnceAndReadBack() {
        final AppAttestKeyRow key = key();

        assertThat(new AppAttestKeyDao(HANDLE).insert(key)).isTrue();
        assertThat(new AppAttestKeyDao(HANDLE).insert(key)).as("a key attests once").isFalse();
        assertThat(new AppAttestKeyDao(HANDLE).find(key.keyId())).hasValueSatisfying(found -> {
            assertThat(found.publicKey()).isEqualTo(key.publicKey());
            assertThat(found.receipt()).isEqualTo(key.receipt());
            assertThat(found.appId()).isEqualTo(key.appId());
            assertThat(found.environment()).isEqualTo("production");
            assertThat(found.createdAt()).isEqualTo(NOW);
        });
        assertThat(new AppAttestKeyDao(HANDLE).find(hash())).isEmpty();
    }

    @Test
    void theCounterOnlyGoesUpAndARevokedKeyNoLongerMoves() {
        final AppAttestKeyRow key = key();
        new AppAttestKeyDao(HANDLE).insert(key);

        assertThat(new AppAttestKeyDao(HANDLE).advance(key.keyId(), 1, NOW)).isTrue();
        assertThat(new AppAttestKeyDao(HANDLE).advance(key.keyId(), 1, NOW)).as("replayed").isFalse();
        assertThat(new AppAttestKeyDao(HANDLE).advance(key.keyId(), 5, NOW)).isTrue();
        assertThat(new AppAttestKeyDao(HANDLE).find(key.keyId()))
                .hasValueSatisfying(found -> assertThat(found.counter()).isEqualTo(5));

        assertThat(new AppAttestKeyDao(HANDLE).revoke(key.keyId(), NOW)).isTrue();
        assertThat(new AppAttestKeyDao(HANDLE).revoke(key.keyId(), NOW)).isFalse();
        assertThat(new AppAttestKeyDao(HANDLE).advance(key.keyId(), 6, NOW)).as("revoked").isFalse();
    }
}
