package dev.oauthapi.identity;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PrivateRelayTest {
    @Test
    void aRelayAddressIsOneOfTheConfiguredDomainsIgnoringCase() {
        final PrivateRelay relay = PrivateRelay.of(List.of("privaterelay.appleid.com", " Relay.Example "));

        assertThat(relay.isRelayAddress("x1@PrivateRelay.AppleID.com")).isTrue();
        assertThat(relay.isRelayAddress("y@relay.example")).isTrue();
        assertThat(relay.isRelayAddress("y@sub.relay.example")).as("exactly the domain").isFalse();
        assertThat(relay.isRelayAddress("privaterelay.appleid.com@gmail.com")).isFalse();
        assertThat(relay.isRelayAddress(null)).isFalse();
        assertThat(PrivateRelay.APPLE.isRelayAddress("a@privaterelay.appleid.com")).isTrue();
    }
}
