package dev.ballast.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ClientAddressTest {

    @Test
    void anIpv4AddressIsItsOwnKey() {
        assertEquals("203.0.113.9", ClientAddress.key("203.0.113.9"));
        assertNotEquals(ClientAddress.key("203.0.113.9"), ClientAddress.key("203.0.113.10"));
    }

    @Test
    void aPeerAddressAsTheSocketReportsItHasTheSameKeyAsWhenParsed() {
        for (String peer : new String[] {"203.0.113.9", "127.0.0.1", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "0:0:0:0:0:0:0:1", "unknown"}) {
            assertEquals(ClientAddress.key(peer), ClientAddress.ofPeer(peer), peer);
        }
    }

    @Test
    void anIpv6ClientIsItsSlash64() {
        assertEquals("2001:db8:1:2::/64", ClientAddress.key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        // Every address of one /64, however written, shares one budget.
        assertEquals(ClientAddress.key("2001:db8:1:2::1"), ClientAddress.key("2001:0db8:0001:0002:ffff::9"));
        assertEquals(ClientAddress.key("2001:db8:1:2::1"), ClientAddress.key("[2001:db8:1:2::77]:443"));
        // The neighbouring /64 is another client.
        assertNotEquals(ClientAddress.key("2001:db8:1:2::1"), ClientAddress.key("2001:db8:1:3::1"));
        assertEquals("::/64", ClientAddress.key("0:0:0:0:0:0:0:1"));
    }

    @Test
    void anIpv4MappedAddressIsTheIpv4Client() {
        assertEquals("198.51.100.7", ClientAddress.key("::ffff:198.51.100.7"));
    }

    @Test
    void aPortWrittenByAProxyIsNotPartOfTheKey() {
        assertEquals("198.51.100.7", ClientAddress.key("198.51.100.7:5123"));
    }

    @Test
    void aValueThatIsNotAnAddressIsNeverLookedUp() {
        // "cafe" and "beef" look like hex to a lax check; a name lookup on the event loop would stall it.
        assertNull(ClientAddress.parse("cafe"));
        assertNull(ClientAddress.parse("beef.example.com"));
        assertEquals("unknown", ClientAddress.key("unknown"));
    }
}
