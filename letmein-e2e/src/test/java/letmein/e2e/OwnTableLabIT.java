package letmein.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import letmein.e2e.Lab.Daemon;
import letmein.e2e.Lab.Host;

/**
 * The shipped firewall mode end to end: letmeinfwd in its own table ({@code [NFTABLES] own-table =
 * letmein}) on a server whose ruleset letmein did not write and nobody edited for it — a default-drop
 * filter table that accepts the control port and ssh, a Docker-like nat table and a second filter
 * table accepting 8080. Real client, real sshd, real nftables; then the host's life cycle: the
 * ruleset flushed and reloaded under letmeinfwd, and letmeinfwd restarted with a lease open.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OwnTableLabIT {
    /** The host's own ruleset (LAB_NFTABLES_CONF): nothing of letmein in it. */
    static final String HOST_RULESET = "table inet hostfw {\n"
            + "  chain input {\n    type filter hook input priority filter; policy drop;\n"
            + "    ct state established,related accept\n    iif \"lo\" accept\n"
            + "    meta l4proto { icmp, icmpv6 } accept\n"
            + "    tcp dport { 22, 2200, 5800 } accept\n    udp dport 5800 accept\n  }\n}\n"
            + "table ip nat {\n  chain POSTROUTING {\n    type nat hook postrouting priority srcnat; policy accept;\n"
            + "    ip saddr 172.17.0.0/16 oifname != \"docker0\" masquerade\n  }\n}\n"
            + "table inet webfw {\n  chain input {\n    type filter hook input priority filter + 5; policy accept;\n"
            + "    tcp dport 8080 counter accept\n  }\n}\n";

    private static Path rulesetFile;
    private static Lab lab;

    @BeforeAll
    static void up() throws Exception {
        rulesetFile = Files.createTempFile("lme-host-ruleset", ".nft");
        Files.writeString(rulesetFile, HOST_RULESET);
        Files.setPosixFilePermissions(rulesetFile, PosixFilePermissions.fromString("rw-r--r--"));
        lab = Lab.up("OwnTableLabIT", Map.of("LAB_OWN_TABLE", "letmein", "LAB_NFTABLES_CONF", rulesetFile.toString()));
    }

    @AfterAll
    static void down() throws Exception {
        if (lab != null) {
            lab.close();
        }
        Files.deleteIfExists(rulesetFile);
    }

    private static String hostTables() {
        StringBuilder sb = new StringBuilder();
        for (String t : new String[] {"inet hostfw", "ip nat", "inet webfw"}) {
            String[] ft = t.split(" ");
            CommandResult r = lab.nft("-s", "list", "table", ft[0], ft[1]);
            assertThat(r.ok()).as(r.describe()).isTrue();
            sb.append(r.stdout());
        }
        return sb.toString();
    }

    private static boolean leased(String address) {
        CommandResult r = lab.nft("list", "table", "inet", "letmein");
        return r.ok() && r.stdout().contains(address + " . tcp . 22 ");
    }

    @Test
    @Order(1)
    void theShippedModeOpensSshForTheKnockingHostOnlyAndLeavesTheHostRulesetAlone() {
        String before = hostTables();
        assertThat(lab.tcpOpen(Host.CLIENT, Lab.SERVER_V4, Lab.SSH_PORT)).as("ssh before the knock, IPv4").isFalse();
        assertThat(lab.tcpOpen(Host.CLIENT, Lab.SERVER_V6, Lab.SSH_PORT)).as("ssh before the knock, IPv6").isFalse();
        CommandResult knock = lab.letmein(Host.CLIENT, "knock", Lab.NAME_DUAL, "22");
        assertThat(knock.ok()).as(knock.describe()).isTrue();
        assertThat(lab.tcpOpen(Host.CLIENT, Lab.SERVER_V4, Lab.SSH_PORT)).as("ssh after the knock, IPv4").isTrue();
        assertThat(lab.tcpOpen(Host.CLIENT, Lab.SERVER_V6, Lab.SSH_PORT)).as("ssh after the knock, IPv6").isTrue();
        CommandResult ssh = lab.ssh(Host.CLIENT, Lab.SERVER_V4, Lab.SSH_PORT, false);
        assertThat(ssh.ok()).as(ssh.describe()).isTrue();
        assertThat(ssh.stdout()).contains(Lab.SSH_MARK);
        assertThat(lab.tcpOpen(Host.OTHER, Lab.SERVER_V4, Lab.SSH_PORT)).as("ssh from another host").isFalse();
        assertThat(lab.tcpOpen(Host.OTHER, Lab.SERVER_V6, Lab.SSH_PORT)).as("ssh from another host, IPv6").isFalse();
        assertThat(hostTables()).as("the host's tables, counters aside").isEqualTo(before);
    }

    @Test
    @Order(2)
    void aFlushAndReloadOfTheHostRulesetIsRepairedAndNewKnocksWork() throws Exception {
        assertThat(leased(Lab.CLIENT_V4)).as(lab.ruleset()).isTrue();
        // what `systemctl reload nftables` does with Debian's stock /etc/nftables.conf
        CommandResult reload = lab.run(Host.SERVER, Duration.ofSeconds(20), java.util.List.of("sh", "-c",
                "nft flush ruleset && nft -f " + rulesetFile));
        assertThat(reload.ok()).as(reload.describe()).isTrue();
        long t0 = System.nanoTime();
        assertThat(Lab.eventually(Duration.ofSeconds(3), () -> leased(Lab.CLIENT_V4))).as(lab.log(Daemon.FWD)).isTrue();
        double ms = (System.nanoTime() - t0) / 1e6;
        System.out.printf("FIGURES own table in the lab: the client's lease back %.0f ms after flush + reload%n", ms);
        assertThat(ms).as("repair time in ms").isLessThan(1000);
        assertThat(lab.tcpOpen(Host.CLIENT, Lab.SERVER_V4, Lab.SSH_PORT)).as("the earlier lease").isTrue();
        assertThat(lab.tcpOpen(Host.OTHER, Lab.SERVER_V4, Lab.SSH_PORT)).as("another host").isFalse();
        CommandResult knock = lab.letmein(Host.OTHER, "knock", "-4", Lab.NAME_DUAL, "22");
        assertThat(knock.ok()).as(knock.describe()).isTrue();
        assertThat(lab.tcpOpen(Host.OTHER, Lab.SERVER_V4, Lab.SSH_PORT)).as("a new knock").isTrue();
        assertThat(lab.log(Daemon.FWD)).contains("table inet letmein is gone", "firewall: restored");
    }

    @Test
    @Order(3)
    void restartingLetmeinfwdKeepsTheLeaseOpenThroughout() throws Exception {
        assertThat(leased(Lab.CLIENT_V4)).isTrue();
        lab.stop(Daemon.FWD);
        assertThat(lab.tcpOpen(Host.CLIENT, Lab.SERVER_V4, Lab.SSH_PORT)).as("while letmeinfwd is stopped").isTrue();
        CommandResult ssh = lab.ssh(Host.CLIENT, Lab.SERVER_V4, Lab.SSH_PORT, false);
        assertThat(ssh.ok()).as("ssh while letmeinfwd is stopped: " + ssh.describe()).isTrue();
        assertThat(lab.tcpOpen(Host.OTHER, Lab.SERVER_V6, Lab.SSH_PORT)).as("another host while stopped").isFalse();
        lab.start(Daemon.FWD);
        assertThat(lab.log(Daemon.FWD)).contains("adopted-leases=");
        CommandResult list = lab.nft("list", "set", "inet", "letmein", "letmein-v4");
        assertThat(list.stdout().split(Lab.CLIENT_V4 + " \\. tcp \\. 22 ", -1)).as(list.stdout()).hasSize(2);
        // what the admin sees: the real knock's lease with its owner, also after the restart
        CommandResult leases = lab.run(Host.SERVER, Duration.ofSeconds(20), java.util.List.of(
                lab.repo().resolve("bin/letmeinfwd").toString(), "-c", lab.serverConfig().toString(), "--list-leases"));
        assertThat(leases.ok()).as(leases.describe()).isTrue();
        assertThat(leases.stdout().lines()).as(leases.stdout())
                .anyMatch(l -> l.matches(java.util.regex.Pattern.quote(Lab.CLIENT_V4)
                        + " +tcp +22 +00000001 +00000022 +\\S+s"));
        CommandResult json = lab.run(Host.SERVER, Duration.ofSeconds(20), java.util.List.of(
                lab.repo().resolve("bin/letmeinfwd").toString(), "-c", lab.serverConfig().toString(), "--list-leases",
                "--json"));
        assertThat(json.ok()).as(json.describe()).isTrue();
        JsonNode arr = new ObjectMapper().readTree(json.stdout());
        assertThat(arr.findValuesAsText("address")).contains(Lab.CLIENT_V4);
        CommandResult revoke = lab.letmein(Host.CLIENT, "revoke", "-4", Lab.NAME_DUAL, "22");
        assertThat(revoke.ok()).as(revoke.describe()).isTrue();
        assertThat(lab.tcpOpen(Host.CLIENT, Lab.SERVER_V4, Lab.SSH_PORT)).as("after the revoke").isFalse();
    }
}
