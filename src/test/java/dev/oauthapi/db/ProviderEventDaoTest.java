package dev.oauthapi.db;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static dev.oauthapi.db.Rows.HANDLE;
import static dev.oauthapi.db.Rows.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class ProviderEventDaoTest {
    @Test
    void anEventIsRecordedOnceByItsJti() {
        final String jti = UUID.randomUUID().toString();

        assertThat(new ProviderEventDao(HANDLE).record("apple", jti, "consent-revoked", NOW)).isEqualTo(1);
        assertThat(new ProviderEventDao(HANDLE).record("apple", jti, "consent-revoked", NOW)).isZero();
        assertThat(new ProviderEventDao(HANDLE).record("google", jti, "sessions-revoked", NOW))
                .as("another provider's jti is its own").isEqualTo(1);
    }
}
