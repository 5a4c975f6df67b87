package letmein.fwd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import letmein.proto.config.ConfigChecksum;
import letmein.proto.fwd.FwdCodec;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * letmeinfwd against real nftables in a network namespace: one daemon for the class, every test with
 * its own client addresses so the tests do not see each other's leases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FwdDaemonIT {
    private Lab lab;
    private Daemon d;
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        lab = Lab.create("d");
        dir = lab.newDir();
        try {
            d = Daemon.start(lab, dir, Configs4Test.full(100), "--letmeind-user", "nobody", "--letmeind-group",
                    "nogroup");
        } catch (Throwable t) {
            lab.close();
            throw t;
        }
    }

    @AfterAll
    void stop() {
        if (d != null) {
            d.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private FwdMessage install(int user, int res, String addr) throws Exception {
        return Ipc.install(d.socket(), user, res, ip(addr), d.checksum);
    }

    private FwdMessage revoke(int user, int res, String addr) throws Exception {
        return Ipc.revoke(d.socket(), user, res, ip(addr), d.checksum);
    }

    @Test
    void startInstallsLeaseSetsSetRulesAndControlPortRules() {
        assertThat(lab.hasSet("letmein-v4")).isTrue();
        assertThat(lab.hasSet("letmein-v6")).isTrue();
        List<String> rules = lab.rules("LETMEIN-INPUT");
        assertThat(rules).filteredOn(r -> r.startsWith("any/")).containsExactly(
                "any/set/letmein-v4/accept/LETMEIN | {\"match\":{\"op\":\"==\",\"left\":{\"concat\":[{\"payload\":"
                        + "{\"protocol\":\"ip\",\"field\":\"saddr\"}},{\"meta\":{\"key\":\"l4proto\"}},{\"payload\":"
                        + "{\"protocol\":\"th\",\"field\":\"dport\"}}]},\"right\":\"@letmein-v4\"}}{\"accept\":null}",
                "any/set/letmein-v6/accept/LETMEIN | {\"match\":{\"op\":\"==\",\"left\":{\"concat\":[{\"payload\":"
                        + "{\"protocol\":\"ip6\",\"field\":\"saddr\"}},{\"meta\":{\"key\":\"l4proto\"}},{\"payload\":"
                        + "{\"protocol\":\"th\",\"field\":\"dport\"}}]},\"right\":\"@letmein-v6\"}}{\"accept\":null}",
                "any/port/5800/TCP/accept/LETMEIN | {\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":"
                        + "\"tcp\",\"field\":\"dport\"}},\"right\":5800}}{\"accept\":null}",
                "any/port/5800/UDP/accept/LETMEIN | {\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":"
                        + "\"udp\",\"field\":\"dport\"}},\"right\":5800}}{\"accept\":null}");
    }

    @Test
    void tcpLeaseForIpv4IsInstalledRefreshedAndRevoked() throws Exception {
        assertThat(install(1, 0x10, "10.0.2.1")).isEqualTo(new FwdMessage.Ack());
        Map<String, Long> els = lab.elements("letmein-v4");
        assertThat(els).containsKey("10.0.2.1 . tcp . 22");
        assertThat(els.get("10.0.2.1 . tcp . 22")).isBetween(590L, 600L);
        assertThat(lab.elements("letmein-v6")).doesNotContainKey("10.0.2.1 . tcp . 22");
        assertThat(install(1, 0x10, "10.0.2.1")).isEqualTo(new FwdMessage.Ack());
        assertThat(lab.elements("letmein-v4").keySet()).filteredOn(k -> k.startsWith("10.0.2.1 ")).hasSize(1);
        assertThat(revoke(1, 0x10, "10.0.2.1")).isEqualTo(new FwdMessage.Ack());
        assertThat(lab.elements("letmein-v4")).doesNotContainKey("10.0.2.1 . tcp . 22");
        // revoking what is not open succeeds (LeaseBook.revoke)
        assertThat(revoke(1, 0x10, "10.0.2.1")).isEqualTo(new FwdMessage.Ack());
    }

    @Test
    void refreshRestartsTheKernelTimeoutAndReassertsADeletedElement() throws Exception {
        assertThat(install(1, 0x11, "fd00::3:1")).isEqualTo(new FwdMessage.Ack()); // udp 53, timeout 2 s
        Daemon.sleep(1200);
        assertThat(install(1, 0x11, "fd00::3:1")).isEqualTo(new FwdMessage.Ack());
        Daemon.sleep(1200); // 2.4 s after the first knock: only alive because the refresh restarted the timeout
        assertThat(lab.elements("letmein-v6")).containsKey("fd00::3:1 . udp . 53");
        assertThat(install(1, 0x10, "10.0.3.1")).isEqualTo(new FwdMessage.Ack());
        lab.nftScript("delete element inet filter letmein-v4 { 10.0.3.1 . tcp . 22 }\n");
        assertThat(lab.elements("letmein-v4")).doesNotContainKey("10.0.3.1 . tcp . 22");
        assertThat(install(1, 0x10, "10.0.3.1")).isEqualTo(new FwdMessage.Ack());
        assertThat(lab.elements("letmein-v4")).containsKey("10.0.3.1 . tcp . 22");
    }

    @Test
    void theStartUpRefreshProbeMatchesTheLabKernelAndLeavesNoProbeElement() throws Exception {
        // ask the kernel directly, in a scratch table: does a re-add with an explicit expiry restart the timer?
        lab.nftScript("add table inet lmprobe\nadd set inet lmprobe s { type ipv4_addr . inet_proto . inet_service; "
                + "flags timeout; }\nadd element inet lmprobe s { 10.9.9.9 . tcp . 1 timeout 30s expires 3s }\n");
        lab.nftScript("add element inet lmprobe s { 10.9.9.9 . tcp . 1 timeout 30s expires 30s }\n");
        com.fasterxml.jackson.databind.JsonNode listed = letmein.fwd.nft.JsonText.parse(
                lab.exec("nft", "-j", "list", "set", "inet", "lmprobe", "s").ok("nft list set").out());
        lab.nftScript("delete table inet lmprobe\n");
        long expires = -1;
        for (com.fasterxml.jackson.databind.JsonNode item : listed.path("nftables")) {
            for (com.fasterxml.jackson.databind.JsonNode e : item.path("set").path("elem")) {
                expires = e.path("elem").path("expires").asLong(-1);
            }
        }
        assertThat(expires).as("scratch element listed with an expiry").isBetween(0L, 30L);
        String expected = expires > 20 ? "readd" : "add-delete-add";
        assertThat(d.log()).contains("INFO lease refresh=" + expected + ": ");
        assertThat(lab.elements("letmein-v4")).doesNotContainKey("0.0.0.0 . tcp . 0");
        assertThat(lab.elements("letmein-v6")).doesNotContainKey(":: . tcp . 0");
    }

    @Test
    void udpLeaseForIpv6ExpiresInTheKernelOnTime() throws Exception {
        long t0 = System.nanoTime();
        assertThat(install(1, 0x11, "fd00::4:1")).isEqualTo(new FwdMessage.Ack());
        assertThat(lab.elements("letmein-v6")).containsKey("fd00::4:1 . udp . 53");
        assertThat(lab.elements("letmein-v4")).isNotEmpty().allSatisfy((k, v) -> assertThat(k).doesNotContain("fd00"));
        while (lab.elements("letmein-v6").containsKey("fd00::4:1 . udp . 53")) {
            assertThat(System.nanoTime() - t0).as("lease still present").isLessThan(3_000_000_000L);
            Daemon.sleep(50);
        }
        assertThat(System.nanoTime() - t0).as("lease gone too early").isGreaterThan(1_000_000_000L);
    }

    @Test
    void tcpUdpResourceIsTwoElementsAndRevokeRemovesBoth() throws Exception {
        assertThat(install(1, 0x12, "fd00::5:1")).isEqualTo(new FwdMessage.Ack());
        assertThat(lab.elements("letmein-v6")).containsKeys("fd00::5:1 . tcp . 4096", "fd00::5:1 . udp . 4096");
        assertThat(install(2, 0x12, "10.0.5.1")).isEqualTo(new FwdMessage.Ack());
        assertThat(lab.elements("letmein-v4")).containsKeys("10.0.5.1 . tcp . 4096", "10.0.5.1 . udp . 4096");
        assertThat(revoke(1, 0x12, "fd00::5:1")).isEqualTo(new FwdMessage.Ack());
        assertThat(lab.elements("letmein-v6").keySet()).noneMatch(k -> k.startsWith("fd00::5:1 "));
        assertThat(lab.elements("letmein-v4")).containsKeys("10.0.5.1 . tcp . 4096", "10.0.5.1 . udp . 4096");
    }

    @Test
    void ipv4MappedAddressBecomesAnIpv4Element() throws Exception {
        byte[] frame = FwdCodec.encode(new FwdMessage.Install(new UserId(1), new ResourceId(0x10), ip("10.0.6.1"),
                d.checksum));
        // rewrite it the other way the frame can carry an IPv4 client: ADDR_TYPE 0 (IPv6) with ::ffff:10.0.6.1
        // (docs/PROTOCOL.md, the IPC message)
        ByteBuffer b = ByteBuffer.wrap(frame);
        b.putShort(10, (short) 0);
        b.put(12 + 10, (byte) 0xff).put(12 + 11, (byte) 0xff);
        assertThat(Ipc.reply(Ipc.exchange(d.socket(), frame))).isEqualTo(new FwdMessage.Ack());
        assertThat(lab.elements("letmein-v4")).containsKey("10.0.6.1 . tcp . 22");
        assertThat(lab.elements("letmein-v6").keySet()).noneMatch(k -> k.contains("10.0.6.1"));
    }

    @Test
    void jumpLeasesPerClientOnInputForwardOutputWithAndWithoutSaddr() throws Exception {
        assertThat(install(1, 0x20, "10.0.7.1")).isEqualTo(new FwdMessage.Ack());
        assertThat(install(1, 0x20, "fd00::7:2")).isEqualTo(new FwdMessage.Ack());
        assertThat(lab.rules("LETMEIN-INPUT")).contains(
                "10.0.7.1/jump/MYCHAIN-IN/LETMEIN | {\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"ip\","
                        + "\"field\":\"saddr\"}},\"right\":\"10.0.7.1\"}}{\"jump\":{\"target\":\"MYCHAIN-IN\"}}",
                "fd00::7:2/jump/MYCHAIN-IN/LETMEIN | {\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"ip6\","
                        + "\"field\":\"saddr\"}},\"right\":\"fd00::7:2\"}}{\"jump\":{\"target\":\"MYCHAIN-IN\"}}");
        assertThat(lab.rules("LETMEIN-FORWARD")).containsExactly(
                "10.0.7.1/jump/MYCHAIN-FWD/LETMEIN | {\"jump\":{\"target\":\"MYCHAIN-FWD\"}}",
                "fd00::7:2/jump/MYCHAIN-FWD/LETMEIN | {\"jump\":{\"target\":\"MYCHAIN-FWD\"}}");
        assertThat(lab.rules("LETMEIN-OUTPUT")).containsExactly(
                "10.0.7.1/jump/MYCHAIN-OUT/LETMEIN | {\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"ip\","
                        + "\"field\":\"saddr\"}},\"right\":\"10.0.7.1\"}}{\"jump\":{\"target\":\"MYCHAIN-OUT\"}}",
                "fd00::7:2/jump/MYCHAIN-OUT/LETMEIN | {\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"ip6\","
                        + "\"field\":\"saddr\"}},\"right\":\"fd00::7:2\"}}{\"jump\":{\"target\":\"MYCHAIN-OUT\"}}");
        // a refresh does not duplicate rules
        assertThat(install(1, 0x20, "10.0.7.1")).isEqualTo(new FwdMessage.Ack());
        assertThat(lab.rules("LETMEIN-FORWARD")).hasSize(2);
        // the two clients are independent
        assertThat(revoke(1, 0x20, "10.0.7.1")).isEqualTo(new FwdMessage.Ack());
        assertThat(lab.rules("LETMEIN-FORWARD")).containsExactly(
                "fd00::7:2/jump/MYCHAIN-FWD/LETMEIN | {\"jump\":{\"target\":\"MYCHAIN-FWD\"}}");
        assertThat(lab.rules("LETMEIN-INPUT")).noneMatch(r -> r.startsWith("10.0.7.1/"));
        // the remaining client's rules are removed by the timer (timeout 3 s)
        long t0 = System.nanoTime();
        while (!lab.rules("LETMEIN-OUTPUT").isEmpty()) {
            assertThat(System.nanoTime() - t0).as("jump lease not removed by its timer").isLessThan(5_000_000_000L);
            Daemon.sleep(100);
        }
        assertThat(lab.rules("LETMEIN-FORWARD")).isEmpty();
        assertThat(lab.rules("LETMEIN-INPUT")).noneMatch(r -> r.contains("/jump/"));
        assertThat(d.log()).contains("lease expired jump fd00::7:2 LETMEIN-OUTPUT->MYCHAIN-OUT");
    }

    private void assertNackAndUnchanged(byte[] frame) throws Exception {
        String before = lab.snapshot();
        byte[] reply = Ipc.exchange(d.socket(), frame);
        assertThat(reply).as("reply to %s", HexFormat.of().formatHex(frame)).isEqualTo(new byte[FwdCodec.SIZE]);
        assertThat(lab.snapshot()).isEqualTo(before);
    }

    private byte[] frame(FwdMessage m) {
        return FwdCodec.encode(m);
    }

    @Test
    void everyInvalidRequestIsNackedAndChangesNothing() throws Exception {
        ConfigChecksum other = ConfigChecksum.of("another file".getBytes());
        UserId u1 = new UserId(1);
        assertNackAndUnchanged(frame(new FwdMessage.Install(u1, new ResourceId(0x10), ip("10.0.8.1"), other)));
        assertNackAndUnchanged(frame(new FwdMessage.Install(u1, new ResourceId(0x99), ip("10.0.8.1"), d.checksum)));
        assertNackAndUnchanged(frame(new FwdMessage.Install(u1, new ResourceId(0x13), ip("10.0.8.1"), d.checksum)));
        // (a resource on the control port cannot be configured: letmeinfwd refuses to start with one, see
        // FwdCheckConfigIT; RequestCheckTest covers the refusal of such a request)
        for (String bad : List.of("0.0.0.0", "255.255.255.255", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")) {
            assertNackAndUnchanged(frame(new FwdMessage.Install(u1, new ResourceId(0x10), ip(bad), d.checksum)));
        }
        assertNackAndUnchanged(frame(new FwdMessage.Ack()));
        assertNackAndUnchanged(frame(new FwdMessage.Nack()));
        byte[] good = frame(new FwdMessage.Install(u1, new ResourceId(0x10), ip("10.0.8.1"), d.checksum));
        byte[] badOp = good.clone();
        badOp[1] = 7;
        assertNackAndUnchanged(badOp);
        byte[] badType = good.clone();
        badType[11] = 2;
        assertNackAndUnchanged(badType);
        byte[] badPadding = good.clone();
        badPadding[13] = 1;
        assertNackAndUnchanged(badPadding);
        byte[] oversized = java.util.Arrays.copyOf(good, 61);
        assertNackAndUnchanged(oversized);
        assertNackAndUnchanged(java.util.Arrays.copyOf(good, 500));
        // short frames: the daemon closes without a reply once the peer gives up
        String before = lab.snapshot();
        Ipc.sendAndClose(d.socket(), java.util.Arrays.copyOf(good, 59));
        Ipc.sendAndClose(d.socket(), new byte[0]);
        Daemon.sleep(200);
        assertThat(lab.snapshot()).isEqualTo(before);
        assertThat(d.log()).contains("connection closed after 59 of 60 bytes, nothing changed");
        // the daemon is still serving
        assertThat(install(1, 0x10, "10.0.8.2")).isEqualTo(new FwdMessage.Ack());
        // a client that half-closes after a complete frame still gets its answer
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            ch.connect(java.net.UnixDomainSocketAddress.of(d.socket()));
            ch.write(ByteBuffer.wrap(frame(new FwdMessage.Install(u1, new ResourceId(0x10), ip("10.0.8.3"), d.checksum))));
            ch.shutdownOutput();
            assertThat(Ipc.reply(Ipc.readUntilClose(ch, 10_000))).isEqualTo(new FwdMessage.Ack());
        }
        assertThat(lab.elements("letmein-v4")).containsKey("10.0.8.3 . tcp . 22");
    }

    @Test
    void aShortFrameThatStaysOpenIsClosedAfterTheReceiveTimeout() throws Exception {
        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            ch.connect(java.net.UnixDomainSocketAddress.of(d.socket()));
            ch.write(ByteBuffer.wrap(new byte[] {0, 2, 0, 0}));
            long t0 = System.nanoTime();
            byte[] reply = Ipc.readUntilClose(ch, 20_000);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(reply).isEmpty();
            assertThat(ms).isBetween(12_000L, 16_000L);
        }
        assertThat(d.log()).contains("no complete request within 13000 ms (4 bytes), connection closed, nothing changed");
    }

    @Test
    void randomAndMutatedFramesNeverChangeTheFirewall() throws Exception {
        Random rnd = new Random(42);
        byte[] good = frame(new FwdMessage.Install(new UserId(1), new ResourceId(0x10), ip("10.0.9.1"), d.checksum));
        String before = lab.snapshot();
        for (int i = 0; i < 150; i++) {
            byte[] f;
            if (i % 2 == 0) {
                f = new byte[rnd.nextInt(130)];
                rnd.nextBytes(f);
            } else {
                f = good.clone();
                f[28 + rnd.nextInt(32)] ^= (byte) (1 + rnd.nextInt(255)); // checksum bit flips
            }
            byte[] reply = Ipc.exchange(d.socket(), f);
            assertThat(reply.length == 0 || java.util.Arrays.equals(reply, new byte[FwdCodec.SIZE]))
                    .as("reply to %s", HexFormat.of().formatHex(f)).isTrue();
        }
        assertThat(lab.snapshot()).isEqualTo(before);
    }

    @Test
    void peerWithAnotherUidIsRefusedAndTheDaemonKeepsServing() throws Exception {
        Path probe = dir.resolve("PeerProbe.java");
        Files.writeString(probe, PEER_PROBE);
        String hex = HexFormat.of().formatHex(
                frame(new FwdMessage.Install(new UserId(1), new ResourceId(0x10), ip("10.0.10.1"), d.checksum)));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // uid 65533 can reach the socket through its supplementary group nogroup, but is neither the
        // allowed user (nobody) nor has the allowed primary group: refused by SO_PEERCRED
        Cmd.Result refused = Cmd.run(List.of("setpriv", "--reuid", "65533", "--regid", "65533", "--groups", "65534",
                java, probe.toString(), d.socket().toString(), hex));
        assertThat(refused.out().trim()).as(refused.err()).isEqualTo("CLOSED 0");
        assertThat(d.log()).contains("WARN peer refused uid=65533 gid=65533");
        assertThat(lab.elements("letmein-v4")).doesNotContainKey("10.0.10.1 . tcp . 22");
        // uid 65534 (--letmeind-user nobody) is allowed
        Cmd.Result allowed = Cmd.run(List.of("setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                java, probe.toString(), d.socket().toString(), hex));
        assertThat(allowed.out().trim()).as(allowed.err()).isEqualTo("CLOSED 60 0001");
        assertThat(lab.elements("letmein-v4")).containsKey("10.0.10.1 . tcp . 22");
        assertThat(install(1, 0x10, "10.0.10.2")).isEqualTo(new FwdMessage.Ack());
    }

    private static final String PEER_PROBE = "import java.net.*; import java.nio.*; import java.nio.channels.*;\n"
            + "public class PeerProbe { public static void main(String[] a) throws Exception {\n"
            + "  try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {\n"
            + "    ch.connect(UnixDomainSocketAddress.of(a[0]));\n"
            + "    try { ch.write(ByteBuffer.wrap(java.util.HexFormat.of().parseHex(a[1]))); } catch (java.io.IOException e) { }\n"
            + "    ByteBuffer in = ByteBuffer.allocate(200); int n = 0;\n"
            + "    try { while ((n = ch.read(in)) >= 0) { } } catch (java.io.IOException e) { }\n"
            + "    String head = in.position() >= 2 ? java.util.HexFormat.of().formatHex(in.array(), 0, 2) : \"\";\n"
            + "    System.out.println((\"CLOSED \" + in.position() + \" \" + head).trim());\n"
            + "  } } }\n";
}
