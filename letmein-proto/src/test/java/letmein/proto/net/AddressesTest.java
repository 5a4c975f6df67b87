package letmein.proto.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class AddressesTest {
    @Test
    void mappedIpv4IsIpv4() throws Exception {
        byte[] b = new byte[16];
        b[10] = (byte) 0xFF;
        b[11] = (byte) 0xFF;
        b[12] = (byte) 192;
        b[15] = 1;
        InetAddress mapped = Inet6Address.getByAddress(null, b, -1);
        assertThat(Addresses.canonical(mapped)).isEqualTo(InetAddress.getByName("192.0.0.1"));
        assertThat(Addresses.text(mapped)).isEqualTo("192.0.0.1");
    }

    @Test
    void ipv6TextIsCompressedLowerCase() throws Exception {
        assertThat(Addresses.text(InetAddress.getByName("2001:DB8:0:0:0:0:0:5"))).isEqualTo("2001:db8::5");
        assertThat(Addresses.text(InetAddress.getByName("::1"))).isEqualTo("::1");
        assertThat(Addresses.text(InetAddress.getByName("fd00:1:0:0:1::"))).isEqualTo("fd00:1:0:0:1::");
        assertThat(Addresses.text(InetAddress.getByName("fd00:0:1:0:0:1:0:1"))).isEqualTo("fd00:0:1::1:0:1");
    }

    @Test
    void unspecifiedAndAllOnes() throws Exception {
        assertThat(Addresses.isUnspecifiedOrAllOnes(InetAddress.getByName("0.0.0.0"))).isTrue();
        assertThat(Addresses.isUnspecifiedOrAllOnes(InetAddress.getByName("255.255.255.255"))).isTrue();
        assertThat(Addresses.isUnspecifiedOrAllOnes(InetAddress.getByName("::"))).isTrue();
        assertThat(Addresses.isUnspecifiedOrAllOnes(
                InetAddress.getByName("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))).isTrue();
        assertThat(Addresses.isUnspecifiedOrAllOnes(InetAddress.getByName("10.0.0.1"))).isFalse();
    }
}
