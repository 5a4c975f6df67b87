package letmein.fwd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import letmein.fwd.nft.JsonText;
import letmein.proto.fwd.FwdMessage;

/**
 * letmeinfwd's own table ({@code [NFTABLES] own-table}) next to rulesets it did not write, with real
 * packets: a client and a third host, each joined to the server namespace by a veth pair (private
 * 10.215.0.0/24, 10.216.0.0/24 and ULA fd00:215::/64, fd00:216::/64 only); TCP listeners on 22
 * (protected) and 8080 (the host's own service). Also: the life cycle of leases across a restart, and
 * the repair after someone flushed the ruleset.
 */
class FwdOwnTableIT {
    private static final String LISTENER = "import java.net.*;\n"
            + "public class Listen { public static void main(String[] a) throws Exception {\n"
            + "  for (String p : a) { ServerSocket s = new ServerSocket(); s.bind(new InetSocketAddress(\"::\", Integer.parseInt(p)));\n"
            + "    new Thread(() -> { while (true) { try { s.accept().close(); } catch (Exception e) { return; } } }).start(); }\n"
            + "  System.out.println(\"LISTENING\"); System.out.flush(); Thread.sleep(Long.MAX_VALUE); } }\n";

    /** A host ruleset letmein did not write: policy accept, a Docker-like nat table, a filter table accepting 8080. */
    static final String FOREIGN_ACCEPT = "table ip nat {\n"
            + "  chain POSTROUTING { type nat hook postrouting priority srcnat; policy accept;\n"
            + "    ip saddr 172.17.0.0/16 oifname != \"docker0\" masquerade\n  }\n"
            + "  chain PREROUTING { type nat hook prerouting priority dstnat; policy accept; }\n"
            + "}\n"
            + "table inet hostfw {\n"
            + "  chain input { type filter hook input priority filter; policy accept;\n"
            + "    tcp dport 8080 counter accept\n  }\n"
            + "}\n";

    /** A default-drop host ruleset that accepts the control port and port 22 (and 8080). */
    static final String FOREIGN_DROP = "table inet hostfw {\n"
            + "  chain input { type filter hook input priority filter; policy drop;\n"
            + "    ct state established,related accept\n    iif \"lo\" accept\n"
            + "    meta l4proto { icmp, icmpv6 } accept\n"
            + "    tcp dport { 22, 5800, 8080 } accept\n    udp dport 5800 accept\n  }\n"
            + "}\n";

    static String config(String extraResources) {
        return "[GENERAL]\ndebug = true\nport = 5800 / tcp, udp\n\n" + Configs4Test.KEYS
                + "[RESOURCES]\n00000010 = port: 22\n00000011 = port: 53 / udp\n" + extraResources + "\n"
                + "[NFTABLES]\nown-table = letmein\ntimeout = 600\n";
    }

    /** The server namespace with the client and the other host, listeners on 22 and 8080. */
    private static final class Hosts implements AutoCloseable {
        final Lab lab;
        final String client;
        final String other;
        final Process listener;

        Hosts(Lab lab) throws Exception {
            this.lab = lab;
            client = lab.addPeer("oc", "vc", "10.215.0", "fd00:215");
            other = lab.addPeer("oo", "vo", "10.216.0", "fd00:216");
            Path dir = lab.newDir();
            Files.writeString(dir.resolve("Listen.java"), LISTENER);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            listener = new ProcessBuilder("ip", "netns", "exec", lab.ns, java, dir.resolve("Listen.java").toString(),
                    "22", "8080").redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("LISTENING");
        }

        boolean reach(String ns, String host, int port) {
            Cmd.Result r = Cmd.run(List.of("ip", "netns", "exec", ns, "timeout", "2", "bash", "-c",
                    "exec 3<>/dev/tcp/" + host + "/" + port));
            return r.exit() == 0;
        }

        @Override
        public void close() throws Exception {
            listener.destroyForcibly();
            listener.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The named tables as nft prints them without counters ({@code -s}), for "untouched" checks. */
    private static String tables(Lab lab, String... familyAndName) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < familyAndName.length; i += 2) {
            sb.append(lab.exec("nft", "-s", "list", "table", familyAndName[i], familyAndName[i + 1]).ok("nft list").out());
        }
        return sb.toString();
    }

    /** Elements of a set of table inet letmein: "addr . proto . port" → seconds left. */
    private static Map<String, Long> own(Lab lab, String set) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        Cmd.Result r = lab.exec("nft", "-j", "list", "set", "inet", "letmein", set);
        if (r.exit() != 0) {
            return out;
        }
        JsonNode doc = JsonText.parse(r.out());
        for (JsonNode item : doc.path("nftables")) {
            for (JsonNode e : item.path("set").path("elem")) {
                JsonNode el = e.path("elem");
                List<String> parts = new ArrayList<>();
                el.path("val").path("concat").forEach(v -> parts.add(v.asText()));
                out.put(String.join(" . ", parts), el.path("expires").asLong(-1));
            }
        }
        return out;
    }

    @Test
    void theOwnTableComposesWithAForeignAcceptRulesetAndLeavesItUntouched() throws Exception {
        try (Lab lab = Lab.createWith("o1", FOREIGN_ACCEPT); Hosts h = new Hosts(lab)) {
            String before = tables(lab, "ip", "nat", "inet", "hostfw");
            try (Daemon d = Daemon.start(lab, lab.newDir(), config(""))) {
                assertThat(h.reach(h.client, "10.215.0.1", 22)).as("22 before the knock").isFalse();
                assertThat(h.reach(h.client, "fd00:215::1", 22)).as("22 over IPv6 before the knock").isFalse();
                assertThat(h.reach(h.client, "10.215.0.1", 8080)).as("the host's 8080").isTrue();
                assertThat(Ipc.install(d.socket(), 1, 0x10, InetAddress.getByName("10.215.0.2"), d.checksum))
                        .isEqualTo(new FwdMessage.Ack());
                assertThat(Ipc.install(d.socket(), 1, 0x10, InetAddress.getByName("fd00:215::2"), d.checksum))
                        .isEqualTo(new FwdMessage.Ack());
                assertThat(h.reach(h.client, "10.215.0.1", 22)).as("22 for the knocking host").isTrue();
                assertThat(h.reach(h.client, "fd00:215::1", 22)).as("22 over IPv6 for the knocking host").isTrue();
                assertThat(h.reach(h.other, "10.216.0.1", 22)).as("22 for another host").isFalse();
                assertThat(h.reach(h.other, "fd00:216::1", 22)).as("22 over IPv6 for another host").isFalse();
                assertThat(h.reach(h.other, "10.216.0.1", 8080)).as("8080 for another host").isTrue();
                assertThat(tables(lab, "ip", "nat", "inet", "hostfw")).as("the foreign tables").isEqualTo(before);
                assertThat(lab.exec("nft", "list", "set", "inet", "letmein", "letmein-v4").ok("list").out())
                        .contains("10.215.0.2 . tcp . 22", "comment \"user=00000001 resource=00000010\"");
            }
            assertThat(tables(lab, "ip", "nat", "inet", "hostfw")).as("the foreign tables after the stop").isEqualTo(before);
        }
    }

    @Test
    void onADefaultDropHostTheKnockOpensPort22ForTheClientOnly() throws Exception {
        try (Lab lab = Lab.createWith("o2", FOREIGN_DROP); Hosts h = new Hosts(lab)) {
            String before = tables(lab, "inet", "hostfw");
            try (Daemon d = Daemon.start(lab, lab.newDir(), config(""))) {
                assertThat(h.reach(h.client, "10.215.0.1", 22)).as("22 before the knock").isFalse();
                assertThat(h.reach(h.client, "10.215.0.1", 8080)).as("8080, accepted by the host").isTrue();
                assertThat(Ipc.install(d.socket(), 1, 0x10, InetAddress.getByName("10.215.0.2"), d.checksum))
                        .isEqualTo(new FwdMessage.Ack());
                assertThat(h.reach(h.client, "10.215.0.1", 22)).as("22 after the knock").isTrue();
                assertThat(h.reach(h.other, "10.216.0.1", 22)).as("22 for another host").isFalse();
                assertThat(tables(lab, "inet", "hostfw")).isEqualTo(before);
            }
        }
    }

    @Test
    void aFlushedRulesetIsRepairedWithTheLeaseAtItsTimeAndNewKnocksWork() throws Exception {
        try (Lab lab = Lab.createWith("o3", FOREIGN_ACCEPT); Hosts h = new Hosts(lab)) {
            try (Daemon d = Daemon.start(lab, lab.newDir(), config(""))) {
                assertThat(Ipc.install(d.socket(), 1, 0x10, InetAddress.getByName("10.215.0.2"), d.checksum))
                        .isEqualTo(new FwdMessage.Ack());
                long expiresBefore = own(lab, "letmein-v4").get("10.215.0.2 . tcp . 22");
                // what `systemctl reload nftables` does with a stock /etc/nftables.conf: flush, then load
                lab.nftScript("flush ruleset\n" + FOREIGN_ACCEPT);
                long t0 = System.nanoTime();
                while (!own(lab, "letmein-v4").containsKey("10.215.0.2 . tcp . 22")) {
                    assertThat(System.nanoTime() - t0).as("repair time; log:%n%s", d.log()).isLessThan(3_000_000_000L);
                    Daemon.sleep(20);
                }
                double repairMs = (System.nanoTime() - t0) / 1e6;
                System.out.printf("FIGURES own table: lease back %.0f ms after the ruleset was flushed%n", repairMs);
                assertThat(repairMs).as("repair time in ms").isLessThan(1000);
                assertThat(own(lab, "letmein-v4").get("10.215.0.2 . tcp . 22")).as("seconds left")
                        .isBetween(expiresBefore - 3, expiresBefore);
                assertThat(h.reach(h.client, "10.215.0.1", 22)).as("the earlier lease").isTrue();
                assertThat(h.reach(h.other, "10.216.0.1", 22)).as("another host").isFalse();
                assertThat(Ipc.install(d.socket(), 1, 0x10, InetAddress.getByName("10.216.0.2"), d.checksum))
                        .isEqualTo(new FwdMessage.Ack());
                assertThat(h.reach(h.other, "10.216.0.1", 22)).as("a new knock").isTrue();
                assertThat(d.log()).contains("table inet letmein is gone", "firewall: restored");
                // a rule someone slipped into letmeinfwd's chain is a change too
                lab.nftScript("insert rule inet letmein input tcp dport 22 accept\n");
                t0 = System.nanoTime();
                while (lab.exec("nft", "list", "chain", "inet", "letmein", "input").ok("list").out()
                        .contains("tcp dport 22 accept")) {
                    assertThat(System.nanoTime() - t0).as("repair of the chain").isLessThan(3_000_000_000L);
                    Daemon.sleep(20);
                }
                assertThat(own(lab, "letmein-v4")).containsKeys("10.215.0.2 . tcp . 22", "10.216.0.2 . tcp . 22");
                // port 22 taken out of the drop rule would leave it to the host's accept: repaired as well
                String handle = lab.exec("sh", "-c", "nft -a list chain inet letmein input | sed -n "
                        + "'s/.*any\\/protected\\/drop\\/LETMEIN\" # handle \\([0-9]*\\).*/\\1/p'").ok("handle").out().strip();
                assertThat(handle).as("handle of the drop rule").matches("[0-9]+");
                lab.nftScript("replace rule inet letmein input handle " + handle
                        + " meta l4proto . th dport { udp . 53 } drop comment \"any/protected/drop/LETMEIN\"\n");
                t0 = System.nanoTime();
                while (!lab.exec("nft", "list", "chain", "inet", "letmein", "input").ok("list").out().contains("tcp . 22")) {
                    assertThat(System.nanoTime() - t0).as("repair of the drop rule; log:%n%s", d.log())
                            .isLessThan(3_000_000_000L);
                    Daemon.sleep(20);
                }
                assertThat(h.reach(h.other, "fd00:216::1", 22)).as("another host over IPv6 after the repair").isFalse();
                assertThat(d.log()).contains("the protected ports of chain input were changed");
            }
        }
    }

    @Test
    void aRestartKeepsTheLeaseOpenAndAdoptsIt() throws Exception {
        try (Lab lab = Lab.createWith("o4", FOREIGN_ACCEPT); Hosts h = new Hosts(lab)) {
            Path dir = lab.newDir();
            long expiresBefore;
            try (Daemon d = Daemon.start(lab, dir, config(""))) {
                assertThat(Ipc.install(d.socket(), 1, 0x10, InetAddress.getByName("10.215.0.2"), d.checksum))
                        .isEqualTo(new FwdMessage.Ack());
                expiresBefore = own(lab, "letmein-v4").get("10.215.0.2 . tcp . 22");
                d.signal("TERM");
                assertThat(d.awaitExit()).as(d.log()).isZero();
            }
            assertThat(h.reach(h.client, "10.215.0.1", 22)).as("the lease while letmeinfwd is down").isTrue();
            assertThat(h.reach(h.other, "10.216.0.1", 22)).as("another host while letmeinfwd is down").isFalse();
            try (Daemon d = Daemon.start(lab, dir, config(""))) {
                assertThat(d.log()).contains("adopted-leases=1");
                Map<String, Long> v4 = own(lab, "letmein-v4");
                assertThat(v4).containsOnlyKeys("10.215.0.2 . tcp . 22");
                assertThat(v4.get("10.215.0.2 . tcp . 22")).as("seconds left after the restart")
                        .isBetween(expiresBefore - 5, expiresBefore);
                assertThat(h.reach(h.client, "10.215.0.1", 22)).as("the lease after the restart").isTrue();
                assertThat(Ipc.revoke(d.socket(), 1, 0x10, InetAddress.getByName("10.215.0.2"), d.checksum))
                        .isEqualTo(new FwdMessage.Ack());
                assertThat(h.reach(h.client, "10.215.0.1", 22)).as("after the revoke").isFalse();
                assertThat(own(lab, "letmein-v4")).isEmpty();
            }
        }
    }

    @Test
    void closeAllEmptiesTheLeaseSetsAndKeepsThePortsShut() throws Exception {
        try (Lab lab = Lab.createWith("o5", ""); Hosts h = new Hosts(lab)) {
            Path dir = lab.newDir();
            try (Daemon d = Daemon.start(lab, dir, config(""))) {
                assertThat(Ipc.install(d.socket(), 1, 0x10, InetAddress.getByName("10.215.0.2"), d.checksum))
                        .isEqualTo(new FwdMessage.Ack());
                assertThat(Ipc.install(d.socket(), 2, 0x10, InetAddress.getByName("fd00:216::2"), d.checksum))
                        .isEqualTo(new FwdMessage.Ack());
                Cmd.Result r = lab.exec(Lab.REPO.resolve("bin/letmeinfwd").toString(), "-c", d.config.toString(),
                        "--close-all");
                assertThat(r.exit()).as(r.out()).isZero();
                assertThat(r.out()).contains("closed 2 leases");
                assertThat(own(lab, "letmein-v4")).isEmpty();
                assertThat(own(lab, "letmein-v6")).isEmpty();
                assertThat(h.reach(h.client, "10.215.0.1", 22)).as("after --close-all").isFalse();
            }
        }
    }
}
