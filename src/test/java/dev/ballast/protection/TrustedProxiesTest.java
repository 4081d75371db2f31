package dev.ballast.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private final TrustedProxies proxies = new TrustedProxies(List.of("10.0.0.0/8", "192.168.1.5", "fd00::/8"));

    @Test
    void forwardedForIsIgnoredFromUntrustedPeers() {
        assertEquals("198.51.100.7", proxies.clientAddress("198.51.100.7", List.of("1.2.3.4")));
        assertEquals("198.51.100.7", new TrustedProxies(List.of()).clientAddress("198.51.100.7", List.of("1.2.3.4")));
    }

    @Test
    void theClientIsTheLastUntrustedHop() {
        assertEquals("203.0.113.9", proxies.clientAddress("10.1.2.3", List.of("203.0.113.9")));
        // A client cannot hide behind a forged first entry: the rightmost untrusted hop counts.
        assertEquals("203.0.113.9", proxies.clientAddress("10.1.2.3", List.of("6.6.6.6, 203.0.113.9, 10.9.9.9")));
        assertEquals("10.0.0.1", proxies.clientAddress("192.168.1.5", List.of("10.0.0.1, 10.0.0.2")));
        assertEquals("10.1.2.3", proxies.clientAddress("10.1.2.3", List.of(" ")));
        assertEquals("10.1.2.3", proxies.clientAddress("10.1.2.3", List.of(",,")));
        assertEquals("10.1.2.3", proxies.clientAddress("10.1.2.3", List.of()));
    }

    @Test
    void everyForwardedForLineIsReadInOrder() {
        // The client sent a line of its own; the proxy appended a second line with the address it saw.
        assertEquals("203.0.113.9", proxies.clientAddress("10.1.2.3", List.of("6.6.6.6", "203.0.113.9")));
        assertEquals("203.0.113.9", proxies.clientAddress("10.1.2.3", List.of("6.6.6.6, 7.7.7.7", "203.0.113.9, 10.0.0.7")));
        // Trusted hops are skipped across lines too.
        assertEquals("6.6.6.6", proxies.clientAddress("10.1.2.3", List.of("1.1.1.1, 6.6.6.6", "10.0.0.7", "192.168.1.5")));
    }

    @Test
    void rangesMatchByPrefix() {
        assertTrue(proxies.trusts("10.255.0.1"));
        assertFalse(proxies.trusts("11.0.0.1"));
        assertTrue(proxies.trusts("192.168.1.5"));
        assertFalse(proxies.trusts("192.168.1.6"));
        assertTrue(proxies.trusts("fd12::1"));
        assertFalse(proxies.trusts("fe80::1"));
        assertFalse(proxies.trusts("not-an-ip.example.com"));
        assertFalse(proxies.trusts("cafe"));
        assertTrue(proxies.trusts("::ffff:10.0.0.1"));
    }

    @Test
    void badEntriesAreRejectedAtStartUp() {
        assertThrows(IllegalArgumentException.class, () -> new TrustedProxies(List.of("10.0.0.0/33")));
        assertThrows(IllegalArgumentException.class, () -> new TrustedProxies(List.of("proxy.example.com")));
    }
}
