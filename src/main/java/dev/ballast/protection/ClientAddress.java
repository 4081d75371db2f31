package dev.ballast.protection;

import io.netty.util.NetUtil;
import java.util.Arrays;

/**
 * The key a client address is counted under. An IPv4 address is one client; an IPv6 client is its /64,
 * because one subscriber (one home, one server) is routinely given a whole /64 and could otherwise take a
 * fresh budget with every address in it.
 */
public final class ClientAddress {

    private static final int IPV6_NETWORK_BYTES = 8;

    private ClientAddress() {
    }

    /**
     * The budget key of a peer's address as its socket reports it: an IPv4 address, already in its canonical
     * form, is its own key (the common case, every request, no parsing).
     */
    public static String ofPeer(String hostAddress) {
        return hostAddress.indexOf(':') < 0 && hostAddress.indexOf('.') > 0 ? hostAddress : key(hostAddress);
    }

    /** The budget key of an address as a peer or proxy reports it; a value that is not an address literal is its own key. */
    public static String key(String address) {
        byte[] bytes = parse(address);
        if (bytes == null) {
            return address;
        }
        if (bytes.length == 4) {
            return NetUtil.bytesToIpAddress(bytes);
        }
        return NetUtil.bytesToIpAddress(Arrays.copyOf(Arrays.copyOf(bytes, IPV6_NETWORK_BYTES), 16)) + "/64";
    }

    /**
     * The bytes of an address literal (4 for IPv4, 16 for IPv6; an IPv4-mapped IPv6 address is its IPv4
     * address), or null for anything else. Brackets and a port are allowed, as some proxies write them.
     * Never a name lookup: this runs on the event loop, on values a client may have written.
     */
    static byte[] parse(String address) {
        if (address == null) {
            return null;
        }
        String literal = address.trim();
        if (literal.startsWith("[")) {
            int end = literal.indexOf(']');
            literal = end < 0 ? literal : literal.substring(1, end);
        } else if (literal.indexOf(':') > 0 && literal.indexOf(':') == literal.lastIndexOf(':')) {
            literal = literal.substring(0, literal.indexOf(':')); // IPv4 with a port
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
        if (bytes != null && bytes.length == 16 && isIpv4Mapped(bytes)) {
            return Arrays.copyOfRange(bytes, 12, 16);
        }
        return bytes;
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
    }
}
