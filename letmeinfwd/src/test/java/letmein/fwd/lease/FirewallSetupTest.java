package letmein.fwd.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import letmein.fwd.nft.FirewallNames;
import letmein.fwd.nft.L4Proto;
import letmein.fwd.nft.NftBatcherTest;
import letmein.fwd.nft.NftCommands.ProtectedPort;
import letmein.proto.config.ControlPort;
import letmein.proto.config.NftFamily;
import letmein.proto.daemon.DaemonLog;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * What {@link FirewallSetup} reads out of nft's listings (adopted leases, the health check) and which
 * commands it builds, with a recording stand-in for nft; the real kernel runs in FwdOwnTableIT and
 * FwdLifecycleIT.
 */
class FirewallSetupTest {
    private static final FirewallNames OWN = new FirewallNames(NftFamily.INET, "letmein", FirewallNames.OWN_CHAIN,
            Optional.empty(), Optional.empty(), true);
    private final NftBatcherTest.RecordingNft nft = new NftBatcherTest.RecordingNft();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final DaemonLog log = DaemonLog.to(new PrintStream(logged, true, StandardCharsets.UTF_8), false);

    FirewallSetupTest() {
        nft.release.countDown();
    }

    private FirewallSetup own() {
        return new FirewallSetup(nft, OWN, new ControlPort(5800, true, true),
                Set.of(new ProtectedPort(L4Proto.TCP, 22)), log);
    }

    private static String element(String addr, String proto, int port, String extra) {
        return "{\"elem\":{\"val\":{\"concat\":[\"" + addr + "\"," + proto + "," + port + "]}" + extra + "}}";
    }

    @Test
    void adoptedLeasesKeepTheirOwnerAndTimeWhetherNftPrintsProtocolNamesOrNumbers() throws Exception {
        String listing = "{\"nftables\":[{\"set\":{\"name\":\"letmein-v4\",\"elem\":["
                + element("10.0.0.1", "\"tcp\"", 22, ",\"timeout\":600,\"expires\":512,\"comment\":\"user=00000001 resource=00000022\"")
                + "," + element("10.0.0.2", "17", 53, ",\"timeout\":60,\"expires\":7")
                + "," + element("10.0.0.3", "\"tcp\"", 22, ",\"timeout\":600") // no expiry: not letmeinfwd's
                + "," + element("example.org", "\"tcp\"", 22, ",\"timeout\":600,\"expires\":5") // never looked up
                + "," + element("10.0.0.4", "\"sctp\"", 22, ",\"timeout\":600,\"expires\":5")
                + "]}},{\"set\":{\"name\":\"letmein-v6\",\"elem\":["
                + element("fd00::1", "6", 2222, ",\"timeout\":30,\"expires\":30,\"comment\":\"someone else's\"")
                + "]}},{\"set\":{\"name\":\"other\",\"elem\":[" + element("10.9.9.9", "\"tcp\"", 1, ",\"timeout\":9,\"expires\":9")
                + "]}}]}";
        List<KernelLease> leases = FirewallSetup.leasesIn(NftBatcherTest.parse0(listing));
        assertThat(leases).containsExactly(
                new KernelLease(InetAddress.getByName("10.0.0.1"), L4Proto.TCP, 22, 600, 512,
                        Optional.of(new LeaseOwner(new UserId(1), new ResourceId(0x22)))),
                new KernelLease(InetAddress.getByName("10.0.0.2"), L4Proto.UDP, 53, 60, 7, Optional.empty()),
                new KernelLease(InetAddress.getByName("fd00::1"), L4Proto.TCP, 2222, 30, 30, Optional.empty()));
    }

    @Test
    void theOwnerCommentRoundTripsAndAnythingElseIsNoOwner() {
        LeaseOwner o = new LeaseOwner(new UserId(0xabc), new ResourceId(0x22));
        assertThat(o.comment()).matches("user=00000(abc|ABC) resource=00000022");
        assertThat(LeaseOwner.parse(o.comment())).contains(o);
        assertThat(LeaseOwner.parse(null)).isEmpty();
        assertThat(LeaseOwner.parse("user=zz resource=1")).isEmpty();
        assertThat(LeaseOwner.parse("user=1")).isEmpty();
        assertThat(LeaseOwner.parse("admin note")).isEmpty();
    }

    @Test
    void theHealthCheckSeesAMissingTableSetOrChainAForeignRuleAndChangedProtectedPorts() {
        FirewallSetup s = own();
        String sets = "{\"set\":{\"name\":\"letmein-v4\"}},{\"set\":{\"name\":\"letmein-v6\"}}";
        String chain = "{\"chain\":{\"name\":\"input\",\"hook\":\"input\",\"prio\":-10,\"policy\":\"accept\"}}";
        String drop = "{\"rule\":{\"chain\":\"input\",\"comment\":\"any/protected/drop/LETMEIN\",\"handle\":9,\"expr\":["
                + "{\"match\":{\"op\":\"==\",\"left\":{\"concat\":[]},\"right\":{\"set\":[{\"concat\":[\"tcp\",22]}]}}},"
                + "{\"drop\":null}]}}";
        String rules = rule("any/iif/lo/accept/LETMEIN") + "," + rule("any/ct/established,related/accept/LETMEIN") + ","
                + rule("any/set/letmein-v4/accept/LETMEIN") + "," + rule("any/set/letmein-v6/accept/LETMEIN") + "," + drop;
        nft.listing = NftBatcherTest.parse0("{\"nftables\":[" + sets + "," + chain + "," + rules + "]}");
        assertThat(s.check()).isEqualTo(new FirewallSetup.Health.Intact());
        nft.listing = NftBatcherTest.parse0("{\"nftables\":[" + sets + "," + chain + "," + rule("") + "," + rules + "]}");
        assertThat(s.check()).isInstanceOf(FirewallSetup.Health.Broken.class);
        nft.listing = NftBatcherTest.parse0("{\"nftables\":[" + sets.replace("letmein-v6", "x") + "," + chain + "," + rules + "]}");
        assertThat(s.check()).isEqualTo(new FirewallSetup.Health.Broken("set letmein-v6 is gone", true));
        nft.listing = NftBatcherTest.parse0("{\"nftables\":[" + sets + "," + chain.replace("-10", "0") + "," + rules + "]}");
        assertThat(((FirewallSetup.Health.Broken) s.check()).what()).startsWith("chain input was changed");
        nft.listing = NftBatcherTest.parse0("{\"nftables\":[" + sets + "," + rules + "]}");
        assertThat(s.check()).isEqualTo(new FirewallSetup.Health.Broken("chain input is gone", true));
        // someone put another port into the drop rule in place of 22
        nft.listing = NftBatcherTest.parse0("{\"nftables\":[" + sets + "," + chain + ","
                + rules.replace("[\"tcp\",22]", "[\"udp\",53]") + "]}");
        assertThat(((FirewallSetup.Health.Broken) s.check()).what())
                .startsWith("the protected ports of chain input were changed (the rule drops udp/53, should drop tcp/22");
        // nft prints protocol numbers where it cannot read /etc/protocols: the same port
        nft.listing = NftBatcherTest.parse0("{\"nftables\":[" + sets + "," + chain + "," + rules.replace("[\"tcp\",22]", "[6,22]")
                + "]}");
        assertThat(s.check()).isEqualTo(new FirewallSetup.Health.Intact());
    }

    @Test
    void aReloadReplacesTheDropRuleAndWithoutPortResourcesThereIsNone() {
        FirewallSetup s = own();
        Optional<letmein.fwd.nft.NftBatcher.Change> c = s.replaceProtected(Set.of(new ProtectedPort(L4Proto.UDP, 53)));
        assertThat(c).isPresent();
        assertThat(c.get().deleteRules()).containsExactly(new letmein.fwd.nft.NftBatcher.RuleRef("input",
                "any/protected/drop/LETMEIN"));
        assertThat(letmein.fwd.nft.JsonText.text(c.get().commands().get(0))).contains("\"concat\":[\"udp\",53]", "\"drop\":null");
        assertThat(s.replaceProtected(Set.of()).orElseThrow().commands()).as("no port resource: no drop rule").isEmpty();
    }

    private static String rule(String comment) {
        return "{\"rule\":{\"chain\":\"input\",\"comment\":\"" + comment + "\",\"handle\":1}}";
    }

    @Test
    void theOwnTableIsRebuiltWholeInOneTransactionWithLeasesAtTheirTimeLeft() throws Exception {
        FirewallSetup s = own();
        nft.listing = NftBatcherTest.parse0("{\"nftables\":[{\"set\":{\"name\":\"letmein-v4\",\"elem\":["
                + element("10.0.0.1", "\"tcp\"", 22, ",\"timeout\":600,\"expires\":512,\"comment\":\"user=00000001 resource=00000022\"")
                + "]}}]}");
        List<KernelLease> adopted = s.start();
        assertThat(adopted).hasSize(1);
        assertThat(nft.documents).hasSize(1);
        String doc = nft.documents.get(0);
        assertThat(doc).startsWith("{\"nftables\":[{\"add\":{\"table\":").contains("{\"delete\":{\"table\":",
                "\"set\":[{\"concat\":[\"tcp\",22]}]",
                "\"concat\":[\"10.0.0.1\",\"tcp\",22]},\"timeout\":600,\"expires\":512,\"comment\":\"user=00000001 resource=00000022\"",
                "\"hook\":\"input\",\"prio\":-10,\"policy\":\"accept\"", "\"drop\":null");
        assertThat(doc.indexOf("\"drop\":null")).as("the drop comes after the lease rules")
                .isGreaterThan(doc.indexOf("@letmein-v6"));
        assertThat(s.controlRules()).as("the host's ruleset decides about the control port").isZero();
    }
}
