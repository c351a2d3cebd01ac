package dev.oauthapi.http;

import com.google.common.net.InetAddresses;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Who the client is, network-wise: the socket peer, unless that peer is a proxy we trust
 * ({@code TRUSTED_PROXIES}); then the right-most {@code X-Forwarded-For} hop that is not itself a
 * trusted proxy. Walking from the right means a client cannot choose its own address by sending
 * the header: only hops added by our own proxies are skipped.
 */
public final class ClientAddress {
    /** The request attribute that holds the resolved address. */
    public static final String ATTRIBUTE = "oauth-api.client-address";

    private final List<Range> trustedProxies;

    public ClientAddress(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies.stream().map(Range::parse).toList();
    }

    public String resolve(String peer, String forwardedFor) {
        if (forwardedFor == null || !isTrusted(peer)) {
            return peer;
        }
        final String[] hops = forwardedFor.split(",");
        String client = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            final String hop = ClientAddressFilter.withoutBrackets(hops[i].strip());
            // Literal addresses only: nothing here is ever looked up in DNS.
            if (!InetAddresses.isInetAddress(hop)) {
                return client;
            }
            client = hop;
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    /**
     * The rate-limit bucket of a resolved address: an IPv4 address itself, an IPv6 address by its
     * /64. One IPv6 host is usually given a whole /64 (RFC 6177), so keying on full addresses
     * would let it take a fresh bucket, and a fresh Redis key, for every request.
     */
    public static String rateBucket(String address) {
        if (address == null || !InetAddresses.isInetAddress(address)) {
            return String.valueOf(address);
        }
        final InetAddress parsed = InetAddresses.forString(address);
        if (!(parsed instanceof Inet6Address)) {
            return parsed.getHostAddress(); // IPv4, also when written as ::ffff:a.b.c.d
        }
        final byte[] bytes = parsed.getAddress();
        Arrays.fill(bytes, 8, 16, (byte) 0);
        try {
            return InetAddresses.toAddrString(InetAddress.getByAddress(bytes)) + "/64";
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    private boolean isTrusted(String address) {
        if (!InetAddresses.isInetAddress(address)) {
            return false;
        }
        final InetAddress parsed = InetAddresses.forString(address);
        return trustedProxies.stream().anyMatch(range -> range.contains(parsed));
    }

    /** A CIDR range such as {@code 10.0.0.0/8} or {@code ::1/128}; a bare address is a /32 or /128. */
    record Range(byte[] network, int prefix) {
        static Range parse(String cidr) {
            final String[] parts = cidr.strip().split("/", 2);
            if (!InetAddresses.isInetAddress(parts[0])) {
                throw new IllegalArgumentException("TRUSTED_PROXIES: '" + cidr + "' is not an address or CIDR range");
            }
            final byte[] network = InetAddresses.forString(parts[0]).getAddress();
            final int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : network.length * 8;
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("TRUSTED_PROXIES: '" + cidr + "' has an impossible prefix length");
            }
            return new Range(network, prefix);
        }

        boolean contains(InetAddress address) {
            final byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            final int bits = network.length * 8;
            final BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                    .shiftRight(prefix).not();
            return new BigInteger(1, bytes).and(mask).equals(new BigInteger(1, network).and(mask));
        }
    }
}
