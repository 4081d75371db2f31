package dev.ballast.protection;

import java.util.List;

/**
 * The proxies (IP addresses or CIDR ranges) whose {@code X-Forwarded-For} is believed. A request from
 * anyone else is identified by its own address, so a client cannot dodge its limit by inventing headers.
 */
public final class TrustedProxies {

    private record Range(byte[] network, int prefixBits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int fullBytes = prefixBits / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int remainingBits = prefixBits % 8;
            if (remainingBits == 0) {
                return true;
            }
            int mask = 0xFF << (8 - remainingBits) & 0xFF;
            return (address[fullBytes] & mask) == (network[fullBytes] & mask);
        }
    }

    private final List<Range> ranges;

    public TrustedProxies(List<String> entries) {
        this.ranges = entries.stream().map(String::trim).filter(entry -> !entry.isEmpty()).map(TrustedProxies::range).toList();
    }

    /**
     * The client's address: the peer's, or when the peer is a trusted proxy, the last untrusted hop it forwarded.
     * The hops are read across every {@code X-Forwarded-For} line in order: a proxy that appends a line of its
     * own leaves the client's (forgeable) line first, so reading only the first line would believe the client.
     */
    public String clientAddress(String peer, List<String> forwardedFor) {
        if (forwardedFor.isEmpty() || !trusts(peer)) {
            return peer;
        }
        String[] hops = String.join(",", forwardedFor).split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !trusts(hop)) {
                return hop;
            }
        }
        return hops.length == 0 || hops[0].trim().isEmpty() ? peer : hops[0].trim();
    }

    boolean trusts(String address) {
        if (ranges.isEmpty()) {
            return false;
        }
        byte[] bytes = ClientAddress.parse(address);
        return bytes != null && ranges.stream().anyMatch(range -> range.contains(bytes));
    }

    private static Range range(String entry) {
        int slash = entry.indexOf('/');
        String ip = slash < 0 ? entry : entry.substring(0, slash);
        byte[] network = ClientAddress.parse(ip);
        if (network == null) {
            throw new IllegalArgumentException("Not an IP address or CIDR range: " + entry);
        }
        int prefix = slash < 0 ? network.length * 8 : Integer.parseInt(entry.substring(slash + 1));
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("Bad prefix length in " + entry);
        }
        return new Range(network, prefix);
    }
}
