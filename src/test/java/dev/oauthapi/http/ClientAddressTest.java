package dev.oauthapi.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientAddressTest {
    private final ClientAddress resolver = new ClientAddress(List.of("127.0.0.1/32", "::1/128", "10.0.0.0/8"));

    @Test
    void anUntrustedPeerIsTheClientWhateverItForwards() {
        assertThat(resolver.resolve("203.0.113.9", "1.2.3.4")).isEqualTo("203.0.113.9");
    }

    @Test
    void behindATrustedProxyTheRightMostUntrustedHopIsTheClient() {
        assertThat(resolver.resolve("10.1.1.1", "198.51.100.7")).isEqualTo("198.51.100.7");
        // The client sent "1.2.3.4" itself; our proxies appended what they saw.
        assertThat(resolver.resolve("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.2.2.2")).isEqualTo("198.51.100.7");
    }

    @Test
    void garbageInTheHeaderStopsTheWalk() {
        assertThat(resolver.resolve("10.1.1.1", "evil.example, 10.2.2.2")).isEqualTo("10.2.2.2");
        assertThat(resolver.resolve("10.1.1.1", "not-an-ip")).isEqualTo("10.1.1.1");
    }

    @Test
    void anIpv6ClientIsRateLimitedByItsSlash64AndAnIpv4ClientByItsAddress() {
        assertThat(ClientAddress.rateBucket("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientAddress.rateBucket("2001:db8:1:2::1")).isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientAddress.rateBucket("2001:db8:1:3::1")).isEqualTo("2001:db8:1:3::/64");
        assertThat(ClientAddress.rateBucket("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(ClientAddress.rateBucket("::ffff:203.0.113.7")).isEqualTo("203.0.113.7");
    }

    @Test
    void ipv6RangesWork() {
        assertThat(resolver.resolve("::1", "2001:db8::1")).isEqualTo("2001:db8::1");
        assertThat(new ClientAddress(List.of("2001:db8::/32")).resolve("2001:db8::5", "2001:db9::1")).isEqualTo("2001:db9::1");
    }

    @Test
    void bracketedIpv6FromJettyIsComparedAndStoredBare() {
        assertThat(ClientAddressFilter.withoutBrackets("[::1]")).isEqualTo("::1");
        assertThat(ClientAddressFilter.withoutBrackets("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(resolver.resolve(ClientAddressFilter.withoutBrackets("[::1]"), "[2001:db8::7]")).isEqualTo("2001:db8::7");
    }

    @Test
    void aBadRangeIsRefusedAtStartUp() {
        assertThatThrownBy(() -> new ClientAddress(List.of("localhost/8"))).hasMessageContaining("TRUSTED_PROXIES");
        assertThatThrownBy(() -> new ClientAddress(List.of("10.0.0.0/33"))).hasMessageContaining("TRUSTED_PROXIES");
    }
}
