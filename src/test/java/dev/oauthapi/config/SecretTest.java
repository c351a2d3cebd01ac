package dev.oauthapi.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretTest {
    @Test
    void neverPrintsItsValue() {
        final Secret secret = Secret.of("hunter2");

        assertThat(secret.toString()).isEqualTo("[REDACTED]");
        assertThat(secret.reveal()).isEqualTo("hunter2");
        assertThat(String.valueOf(new RedisConfig("h", 1, secret, 0, 1, null, null, null))).doesNotContain("hunter2");
    }
}
