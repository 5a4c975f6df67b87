package letmein.fwd.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import letmein.fwd.nft.FirewallNames;
import letmein.fwd.nft.NftBatcherTest;
import letmein.proto.config.NftFamily;
import letmein.proto.daemon.DaemonLog;

/**
 * The probe's decision from what nft lists, with a recording stand-in for nft (the real kernel is
 * exercised by FwdDaemonIT, which compares the daemon's choice with the lab kernel's behaviour).
 */
class RefreshProbeTest {
    private final NftBatcherTest.RecordingNft nft = new NftBatcherTest.RecordingNft();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final DaemonLog log = DaemonLog.to(new PrintStream(logged, true, StandardCharsets.UTF_8), false);

    RefreshProbeTest() {
        nft.release.countDown();
    }

    private static String listing(String set, String addr, int port, long expires) {
        return "{\"nftables\":[{\"metainfo\":{}},{\"set\":{\"family\":\"inet\",\"name\":\"" + set + "\",\"table\":\"filter\","
                + "\"elem\":[{\"elem\":{\"val\":{\"concat\":[\"10.0.0.9\",\"tcp\",22]},\"timeout\":30,\"expires\":29}},"
                + "{\"elem\":{\"val\":{\"concat\":[\"" + addr + "\",\"tcp\"," + port + "]},\"timeout\":30,\"expires\":"
                + expires + "}}]}}]}";
    }

    private RefreshMode detect(FirewallNames names, String listing) {
        nft.listing = NftBatcherTest.parse0(listing);
        return new RefreshProbe(nft, names, log).detect();
    }

    @Test
    void aRestartedTimerSelectsReAddAndTheProbeIsRemovedAgain() {
        assertThat(detect(LeaseBookTest.NAMES, listing("letmein-v4", "0.0.0.0", 0, 29))).isEqualTo(RefreshMode.READD);
        assertThat(nft.documents).hasSize(3);
        assertThat(nft.documents.get(0)).contains("\"concat\":[\"0.0.0.0\",\"tcp\",0]},\"timeout\":30,\"expires\":3");
        assertThat(nft.documents.get(1)).contains("\"concat\":[\"0.0.0.0\",\"tcp\",0]},\"timeout\":30,\"expires\":30");
        assertThat(nft.documents.get(2)).contains("\"add\"", "\"delete\"", "\"letmein-v4\"");
        assertThat(logged.toString(StandardCharsets.UTF_8)).contains("lease refresh=readd");
    }

    @Test
    void aTimerThatKeptRunningSelectsAddDeleteAdd() {
        // another element with expiry 29 is in the set: only the probe element (0.0.0.0 . tcp . 0) counts
        assertThat(detect(LeaseBookTest.NAMES, listing("letmein-v4", "0.0.0.0", 0, 2)))
                .isEqualTo(RefreshMode.ADD_DELETE_ADD);
        assertThat(logged.toString(StandardCharsets.UTF_8)).contains("lease refresh=add-delete-add");
    }

    @Test
    void anIpv6OnlyTableIsProbedWithTheUnspecifiedIpv6Address() {
        FirewallNames v6 = new FirewallNames(NftFamily.IP6, "filter", "IN", Optional.empty(), Optional.empty());
        assertThat(detect(v6, listing("letmein-v6", "::", 0, 30))).isEqualTo(RefreshMode.READD);
        assertThat(nft.documents.get(0)).contains("\"letmein-v6\"", "\"concat\":[\"::\",\"tcp\",0]");
    }

    @Test
    void aMissingProbeElementOrARejectedExpiryFallsBackToTheSafeMode() {
        assertThat(detect(LeaseBookTest.NAMES, listing("letmein-v4", "0.0.0.0", 1, 30)))
                .isEqualTo(RefreshMode.ADD_DELETE_ADD);
        assertThat(logged.toString(StandardCharsets.UTF_8)).contains("WARN", "probe failed",
                "is not listed in set letmein-v4");
        nft.documents.clear();
        nft.failAll = true;
        assertThat(detect(LeaseBookTest.NAMES, listing("letmein-v4", "0.0.0.0", 0, 30)))
                .isEqualTo(RefreshMode.ADD_DELETE_ADD);
        assertThat(nft.documents).as("removal is attempted even after a failure").hasSize(2);
        assertThat(logged.toString(StandardCharsets.UTF_8)).contains("could not remove the lease refresh probe");
    }

    @Test
    void expiresOfReadsOnlyTheProbeElement() throws Exception {
        InetAddress any = InetAddress.getByAddress(new byte[4]);
        assertThat(RefreshProbe.expiresOf(NftBatcherTest.parse0(listing("letmein-v4", "0.0.0.0", 0, 17)), any))
                .isEqualTo(17);
        assertThat(RefreshProbe.expiresOf(NftBatcherTest.parse0(listing("letmein-v6", "0.0.0.0", 0, 17)), any))
                .isEqualTo(-1);
        assertThat(RefreshProbe.expiresOf(NftBatcherTest.parse0("{\"nftables\":[]}"), any)).isEqualTo(-1);
    }

    @Test
    void withoutEtcProtocolsNftListsTheProtocolNumberAndTheProbeStillFindsItsElement() throws Exception {
        // a root without the netbase package (no /etc/protocols): nft -j prints 6 instead of "tcp"
        InetAddress any = InetAddress.getByAddress(new byte[4]);
        String numeric = listing("letmein-v4", "0.0.0.0", 0, 29).replace("\"tcp\"", "6");
        assertThat(RefreshProbe.expiresOf(NftBatcherTest.parse0(numeric), any)).isEqualTo(29);
        assertThat(detect(LeaseBookTest.NAMES, numeric)).isEqualTo(RefreshMode.READD);
        assertThat(RefreshProbe.expiresOf(NftBatcherTest.parse0(numeric.replace(",6,0]", ",17,0]")), any))
                .as("a UDP element on port 0 is not the probe").isEqualTo(-1);
    }
}
