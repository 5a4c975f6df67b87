package letmein.fwd.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import letmein.fwd.nft.FirewallNames;
import letmein.proto.config.ConfigChecksum;
import letmein.proto.config.ControlPort;
import letmein.proto.config.GeneralConfig;
import letmein.proto.config.JumpResource;
import letmein.proto.config.NftFamily;
import letmein.proto.config.NftablesConfig;
import letmein.proto.config.PortResource;
import letmein.proto.config.Resource;
import letmein.proto.config.ServerConfig;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

class RequestCheckTest {
    static final ConfigChecksum CS = ConfigChecksum.of("conf".getBytes());
    static final UserId U1 = new UserId(1);
    static final UserId U2 = new UserId(2);

    static ServerConfig config() {
        Map<ResourceId, Resource> res = Map.of(
                new ResourceId(0x10), new PortResource(new ResourceId(0x10), 22, true, false, Set.of(), Optional.empty()),
                new ResourceId(0x11), new PortResource(new ResourceId(0x11), 23, true, false, Set.of(U2), Optional.empty()),
                new ResourceId(0x14), new PortResource(new ResourceId(0x14), 5800, false, true, Set.of(), Optional.empty()),
                new ResourceId(0x20), new JumpResource(new ResourceId(0x20), Optional.of(new JumpResource.JumpTarget("A", true)),
                        Optional.of(new JumpResource.JumpTarget("B", false)), Optional.empty(), Set.of(), Optional.empty()),
                new ResourceId(0x21), new JumpResource(new ResourceId(0x21), Optional.empty(), Optional.empty(),
                        Optional.of(new JumpResource.JumpTarget("C", false)), Set.of(), Optional.empty()));
        return new ServerConfig(Path.of("x.conf"), new GeneralConfig(false, new ControlPort(5800, true, false),
                Duration.ofSeconds(5), letmein.proto.config.ErrorPolicy.DEFAULT, letmein.proto.config.SeccompMode.OFF),
                Map.of(), res, NftablesConfig.DEFAULT, CS);
    }

    static RequestCheck check(NftFamily family, boolean forward) {
        return new RequestCheck(config(), new FirewallNames(family, "filter", "IN",
                forward ? Optional.of("FWD") : Optional.empty(), Optional.empty()));
    }

    static FwdMessage install(UserId u, int res, String addr, ConfigChecksum cs) throws Exception {
        return new FwdMessage.Install(u, new ResourceId(res), InetAddress.getByName(addr), cs);
    }

    static String refusal(RequestCheck.Verdict v) {
        assertThat(v).isInstanceOf(RequestCheck.Refuse.class);
        return ((RequestCheck.Refuse) v).reason();
    }

    @Test
    void acceptsAValidRequestWithItsResource() throws Exception {
        RequestCheck.Verdict v = check(NftFamily.INET, true).check(install(U1, 0x10, "192.0.2.1", CS));
        assertThat(v).isInstanceOf(RequestCheck.Accept.class);
        assertThat(((RequestCheck.Accept) v).resource().id()).isEqualTo(new ResourceId(0x10));
        assertThat(check(NftFamily.INET, true).check(new FwdMessage.Revoke(U2, new ResourceId(0x11),
                InetAddress.getByName("2001:db8::1"), CS))).isInstanceOf(RequestCheck.Accept.class);
    }

    @Test
    void refusesEachInvalidRequestWithItsReason() throws Exception {
        RequestCheck c = check(NftFamily.INET, false);
        assertThat(refusal(c.check(new FwdMessage.Ack()))).contains("not a request");
        assertThat(refusal(c.check(new FwdMessage.Nack()))).contains("not a request");
        assertThat(refusal(c.check(install(U1, 0x10, "192.0.2.1", ConfigChecksum.of("other".getBytes())))))
                .contains("checksum mismatch");
        assertThat(refusal(c.check(install(U1, 0x10, "0.0.0.0", CS)))).contains("unspecified or all-ones");
        assertThat(refusal(c.check(install(U1, 0x10, "::", CS)))).contains("unspecified or all-ones");
        assertThat(refusal(c.check(install(U1, 0x99, "192.0.2.1", CS)))).contains("resource 00000099 is not configured");
        assertThat(refusal(c.check(install(U1, 0x11, "192.0.2.1", CS)))).contains("user 00000001 may not use");
        assertThat(refusal(c.check(install(U1, 0x14, "192.0.2.1", CS)))).contains("control port");
        assertThat(refusal(c.check(install(U1, 0x20, "192.0.2.1", CS)))).contains("chain-forward is not specified");
        assertThat(refusal(c.check(install(U1, 0x21, "192.0.2.1", CS)))).contains("chain-output is not specified");
    }

    @Test
    void refusesAddressFamiliesTheTableCannotHold() throws Exception {
        assertThat(refusal(check(NftFamily.IP6, true).check(install(U1, 0x10, "192.0.2.1", CS))))
                .contains("not supported by nftables family ip6");
        assertThat(refusal(check(NftFamily.IP, true).check(install(U1, 0x10, "2001:db8::1", CS))))
                .contains("not supported by nftables family ip");
        assertThat(check(NftFamily.IP, true).check(install(U1, 0x10, "::ffff:192.0.2.1", CS)))
                .isInstanceOf(RequestCheck.Accept.class);
    }

    @Test
    void refusesAddressesNoClientCanHave() throws Exception {
        Set<InetAddress> lan = Set.of(addr("10.231.1.255"));
        RequestCheck c = new RequestCheck(config(), new FirewallNames(NftFamily.INET, "filter", "IN", Optional.empty(),
                Optional.empty()), () -> lan);
        assertThat(refusal(c.check(install(U1, 0x10, "224.0.0.1", CS)))).contains("224.0.0.1 is multicast");
        assertThat(refusal(c.check(install(U1, 0x10, "ff02::1", CS)))).contains("is multicast");
        assertThat(refusal(c.check(install(U1, 0x10, "127.0.0.1", CS)))).contains("127.0.0.1 is loopback");
        assertThat(refusal(c.check(install(U1, 0x10, "::1", CS)))).contains("is loopback");
        assertThat(refusal(c.check(install(U1, 0x10, "::ffff:127.0.0.1", CS)))).contains("127.0.0.1 is loopback");
        assertThat(refusal(c.check(install(U1, 0x10, "fe80::1", CS)))).contains("fe80::1 is link-local");
        assertThat(refusal(c.check(install(U1, 0x10, "169.254.1.1", CS)))).contains("is link-local");
        assertThat(refusal(c.check(install(U1, 0x10, "255.255.255.255", CS)))).contains("unspecified or all-ones");
        assertThat(refusal(c.check(install(U1, 0x10, "10.231.1.255", CS))))
                .contains("10.231.1.255 is the broadcast address of a local network");
        assertThat(c.check(install(U1, 0x10, "10.231.1.2", CS))).isInstanceOf(RequestCheck.Accept.class);
        assertThat(c.check(install(U1, 0x10, "fd5e:1a8:1::2", CS))).isInstanceOf(RequestCheck.Accept.class);
    }

    @Test
    void localBroadcastsAreReadFromTheInterfaces() {
        // loopback has none; whatever this host has, every entry is an IPv4 address
        assertThat(new LocalBroadcasts().get()).allMatch(a -> a instanceof java.net.Inet4Address);
    }

    private static InetAddress addr(String s) throws Exception {
        return InetAddress.getByName(s);
    }
}
