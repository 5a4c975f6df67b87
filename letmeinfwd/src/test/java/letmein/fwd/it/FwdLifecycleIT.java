package letmein.fwd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import letmein.proto.daemon.Version;
import letmein.proto.fwd.FwdMessage;

/** Start, stop, crash and configuration variants of letmeinfwd, each in its own namespace. */
class FwdLifecycleIT {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private static String config(String resources, String nftables) {
        return "[GENERAL]\ndebug = true\nport = 5800\n\n" + Configs4Test.KEYS + "[RESOURCES]\n" + resources + "\n"
                + "[NFTABLES]\ntable = filter\nchain-input = LETMEIN-INPUT\n" + nftables;
    }

    @Test
    void sigtermKeepsPortLeasesRemovesJumpLeasesAndARestartAdoptsWithoutDuplicates() throws Exception {
        try (Lab lab = Lab.create("l1")) {
            Path dir = lab.newDir();
            String conf = Configs4Test.full(100);
            List<String> fresh;
            try (Daemon d = Daemon.start(lab, dir, conf)) {
                fresh = lab.rules("LETMEIN-INPUT");
                assertThat(Ipc.install(d.socket(), 1, 0x10, ip("10.1.0.1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                assertThat(Ipc.install(d.socket(), 1, 0x21, ip("10.1.0.1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                assertThat(lab.rules("LETMEIN-INPUT")).anyMatch(r -> r.startsWith("10.1.0.1/jump/MYCHAIN-IN/"));
                d.signal("TERM");
                assertThat(d.awaitExit()).as(d.log()).isZero();
                assertThat(lab.elements("letmein-v4")).as("the port lease outlives letmeinfwd")
                        .containsOnlyKeys("10.1.0.1 . tcp . 22");
                assertThat(lab.rules("LETMEIN-INPUT")).as("set and control rules stay, the jump lease goes")
                        .isEqualTo(fresh);
                assertThat(Files.exists(d.socket())).isFalse();
            }
            try (Daemon d = Daemon.start(lab, dir, conf)) {
                assertThat(d.log()).contains("adopted-leases=1");
                assertThat(lab.rules("LETMEIN-INPUT")).isEqualTo(fresh); // 2 set rules, control port tcp+udp
                assertThat(lab.elements("letmein-v4")).containsOnlyKeys("10.1.0.1 . tcp . 22");
                assertThat(Ipc.revoke(d.socket(), 1, 0x10, ip("10.1.0.1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                assertThat(lab.elements("letmein-v4")).isEmpty();
                d.signal("INT");
                assertThat(d.awaitExit()).as(d.log()).isZero();
            }
        }
    }

    @Test
    void afterKill9TheKernelStillExpiresLeasesAndARestartRemovesTheJumpLease() throws Exception {
        try (Lab lab = Lab.create("l2")) {
            Path dir = lab.newDir();
            String conf = Configs4Test.full(100);
            List<String> fresh;
            try (Daemon d = Daemon.start(lab, dir, conf)) {
                fresh = lab.rules("LETMEIN-INPUT");
                assertThat(Ipc.install(d.socket(), 1, 0x11, ip("10.2.0.1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                assertThat(Ipc.install(d.socket(), 1, 0x12, ip("10.2.0.1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                assertThat(Ipc.install(d.socket(), 1, 0x21, ip("10.2.0.1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                long t0 = System.nanoTime();
                d.signal("KILL");
                d.awaitExit();
                assertThat(lab.elements("letmein-v4")).containsKey("10.2.0.1 . udp . 53");
                while (lab.elements("letmein-v4").containsKey("10.2.0.1 . udp . 53")) {
                    assertThat(System.nanoTime() - t0).as("kernel did not expire the lease").isLessThan(3_000_000_000L);
                    Daemon.sleep(50);
                }
                assertThat(lab.elements("letmein-v4")).containsKeys("10.2.0.1 . tcp . 4096", "10.2.0.1 . udp . 4096");
                assertThat(lab.rules("LETMEIN-INPUT")).anyMatch(r -> r.startsWith("10.2.0.1/jump/MYCHAIN-IN/"));
            }
            try (Daemon d = Daemon.start(lab, dir, conf)) {
                assertThat(d.log()).contains("adopted-leases=2", "removed-jump-leases=1");
                assertThat(lab.rules("LETMEIN-INPUT")).isEqualTo(fresh);
                assertThat(lab.elements("letmein-v4")).containsOnlyKeys("10.2.0.1 . tcp . 4096", "10.2.0.1 . udp . 4096");
                assertThat(Ipc.install(d.socket(), 1, 0x10, ip("10.2.0.2"), d.checksum)).isEqualTo(new FwdMessage.Ack());
            }
        }
    }

    @Test
    void upstreamModeRepairsWhenTheAdminsChainsAreBackAfterAFlushAndReload() throws Exception {
        try (Lab lab = Lab.create("l10")) {
            Path dir = lab.newDir();
            try (Daemon d = Daemon.start(lab, dir, Configs4Test.full(100))) {
                List<String> fresh = lab.rules("LETMEIN-INPUT");
                assertThat(Ipc.install(d.socket(), 1, 0x10, ip("10.10.0.1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                assertThat(Ipc.install(d.socket(), 1, 0x21, ip("10.10.0.1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                long left = lab.elements("letmein-v4").get("10.10.0.1 . tcp . 22");
                lab.exec("nft", "flush", "ruleset").ok("flush");
                Daemon.sleep(1500); // the admin's table is gone: nothing to repair into
                assertThat(d.log()).contains("table inet filter is gone; knocks fail until it exists again");
                lab.exec("nft", "-f", Lab.REPO.resolve("conf/nftables.conf").toString()).ok("reload");
                lab.nftScript("add chain inet filter MYCHAIN-IN\nadd chain inet filter MYCHAIN-FWD\n"
                        + "add chain inet filter MYCHAIN-OUT\n");
                long t0 = System.nanoTime();
                while (!lab.hasSet("letmein-v4") || !lab.elements("letmein-v4").containsKey("10.10.0.1 . tcp . 22")) {
                    assertThat(System.nanoTime() - t0).as("repair; log:%n%s", d.log()).isLessThan(3_000_000_000L);
                    Daemon.sleep(20);
                }
                double ms = (System.nanoTime() - t0) / 1e6;
                System.out.printf("FIGURES upstream mode: lease back %.0f ms after the admin's ruleset was reloaded%n", ms);
                assertThat(ms).as("repair time in ms").isLessThan(1000);
                assertThat(lab.elements("letmein-v4").get("10.10.0.1 . tcp . 22")).isBetween(left - 4, left);
                Daemon.sleep(200);
                List<String> rules = lab.rules("LETMEIN-INPUT");
                assertThat(rules).containsAll(fresh).anyMatch(r -> r.startsWith("10.10.0.1/jump/MYCHAIN-IN/"));
                assertThat(Ipc.install(d.socket(), 1, 0x10, ip("10.10.0.2"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                assertThat(lab.elements("letmein-v4")).containsKeys("10.10.0.1 . tcp . 22", "10.10.0.2 . tcp . 22");
            }
        }
    }

    @Test
    void aKeyHolderKnockingFrom110AddressesCannotKeepTheAdminOut() throws Exception {
        try (Lab lab = Lab.create("l9")) {
            // max-nr-rules = 100 (the default), 1 control rule, 2 users with keys: 49 leases each
            String conf = config("00000010 = port: 22\n", "family = inet\n");
            try (Daemon d = Daemon.start(lab, lab.newDir(), conf)) {
                int acked = 0;
                for (int i = 1; i <= 110; i++) {
                    InetAddress a = i % 2 == 0 ? ip("fd00:9::" + Integer.toHexString(i)) : ip("10.9.0." + i);
                    if (Ipc.install(d.socket(), 1, 0x10, a, d.checksum).equals(new FwdMessage.Ack())) {
                        acked++;
                    }
                }
                assertThat(acked).isEqualTo(49);
                assertThat(d.log()).contains("max-nr-rules-per-user (49) would be exceeded for user 00000001");
                assertThat(Ipc.install(d.socket(), 2, 0x10, ip("10.9.1.1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                assertThat(Ipc.install(d.socket(), 2, 0x10, ip("fd00:9:1::1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                assertThat(lab.elements("letmein-v4")).containsKey("10.9.1.1 . tcp . 22");
                assertThat(lab.elements("letmein-v6")).containsKey("fd00:9:1::1 . tcp . 22");
            }
        }
    }

    @Test
    void maxNrRulesCapsControlRulesElementsAndJumpRules() throws Exception {
        try (Lab lab = Lab.create("l3")) {
            // 1 control rule + 4 leases; one user may take them all here (the per-user share is tested below)
            String conf = config("00000010 = port: 22\n00000012 = port: 4096 / tcp, udp\n00000021 = jump / input: MYCHAIN-IN\n",
                    "family = inet\nmax-nr-rules = 5\nmax-nr-rules-per-user = 5\n");
            try (Daemon d = Daemon.start(lab, lab.newDir(), conf)) {
                assertThat(Ipc.install(d.socket(), 1, 0x12, ip("10.3.0.1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                assertThat(Ipc.install(d.socket(), 1, 0x10, ip("10.3.0.1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                assertThat(Ipc.install(d.socket(), 1, 0x21, ip("10.3.0.1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                String before = lab.snapshot();
                assertThat(Ipc.install(d.socket(), 1, 0x10, ip("10.3.0.2"), d.checksum)).isEqualTo(new FwdMessage.Nack());
                assertThat(Ipc.install(d.socket(), 1, 0x21, ip("10.3.0.2"), d.checksum)).isEqualTo(new FwdMessage.Nack());
                assertThat(lab.snapshot()).isEqualTo(before);
                assertThat(d.log()).contains("max-nr-rules (5) would be exceeded: 5 installed, 1 new");
                // refreshing what is open is not a new rule
                assertThat(Ipc.install(d.socket(), 1, 0x12, ip("10.3.0.1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                assertThat(Ipc.revoke(d.socket(), 1, 0x10, ip("10.3.0.1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                assertThat(Ipc.install(d.socket(), 1, 0x10, ip("10.3.0.2"), d.checksum)).isEqualTo(new FwdMessage.Ack());
            }
        }
    }

    @Test
    void numConnectionsBoundsConcurrentConnections() throws Exception {
        try (Lab lab = Lab.create("l8")) {
            try (Daemon d = Daemon.start(lab, lab.newDir(), Configs4Test.full(100), "-n", "1")) {
                java.nio.channels.SocketChannel holder = java.nio.channels.SocketChannel.open(
                        java.net.StandardProtocolFamily.UNIX);
                holder.connect(java.net.UnixDomainSocketAddress.of(d.socket()));
                holder.write(java.nio.ByteBuffer.wrap(new byte[] {0, 2}));
                Daemon.sleep(300);
                java.util.concurrent.CompletableFuture<FwdMessage> second = java.util.concurrent.CompletableFuture
                        .supplyAsync(() -> {
                            try {
                                return Ipc.install(d.socket(), 1, 0x10, ip("10.9.0.1"), d.checksum);
                            } catch (Exception e) {
                                throw new java.util.concurrent.CompletionException(e);
                            }
                        });
                Daemon.sleep(1500);
                assertThat(second).as("served while the only slot is taken").isNotDone();
                assertThat(lab.elements("letmein-v4")).doesNotContainKey("10.9.0.1 . tcp . 22");
                holder.close();
                assertThat(second.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(new FwdMessage.Ack());
                assertThat(lab.elements("letmein-v4")).containsKey("10.9.0.1 . tcp . 22");
            }
        }
    }

    @Test
    void familyIp6ServesOnlyIpv6ClientsAndHasOnlyTheIpv6Set() throws Exception {
        try (Lab lab = Lab.create("l4")) {
            lab.nftScript("table ip6 filter6 {\n chain LETMEIN-INPUT {\n }\n}\n");
            String conf = "[GENERAL]\nport = 5800\n\n" + Configs4Test.KEYS + "[RESOURCES]\n00000010 = port: 22\n\n"
                    + "[NFTABLES]\nfamily = ip6\ntable = filter6\nchain-input = LETMEIN-INPUT\n";
            try (Daemon d = Daemon.start(lab, lab.newDir(), conf)) {
                assertThat(Ipc.install(d.socket(), 1, 0x10, ip("10.4.0.1"), d.checksum)).isEqualTo(new FwdMessage.Nack());
                assertThat(d.log()).contains("not supported by nftables family ip6");
                assertThat(Ipc.install(d.socket(), 1, 0x10, ip("fd00::4:1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                String listing = lab.exec("nft", "list", "table", "ip6", "filter6").ok("list").out();
                assertThat(listing).contains("set letmein-v6", "fd00::4:1 . tcp . 22", "ip6 saddr . meta l4proto . th dport @letmein-v6")
                        .doesNotContain("letmein-v4");
            }
        }
    }

    @Test
    void jumpFromAnUnconfiguredForwardChainIsNackedWithoutPartialRules() throws Exception {
        try (Lab lab = Lab.create("l5")) {
            String conf = config("00000020 = jump / input: MYCHAIN-IN / forward: MYCHAIN-FWD\n"
                    + "00000022 = jump / input: MYCHAIN-IN / output: NO-SUCH-CHAIN\n",
                    "family = inet\nchain-output = LETMEIN-OUTPUT\n");
            try (Daemon d = Daemon.start(lab, lab.newDir(), conf)) {
                String before = lab.snapshot();
                assertThat(Ipc.install(d.socket(), 1, 0x20, ip("10.5.0.1"), d.checksum)).isEqualTo(new FwdMessage.Nack());
                assertThat(d.log()).contains("jumps from forward but [NFTABLES] chain-forward is not specified");
                // a jump target that does not exist: nft refuses the transaction, the input jump is not left behind
                assertThat(Ipc.install(d.socket(), 1, 0x22, ip("10.5.0.1"), d.checksum)).isEqualTo(new FwdMessage.Nack());
                assertThat(lab.snapshot()).isEqualTo(before);
            }
        }
    }

    @Test
    void startFailsClearlyWhenTheRulesetOrNftIsMissing() throws Exception {
        try (Lab lab = Lab.create("l6")) {
            Path dir = lab.newDir();
            Path conf = dir.resolve("letmeind.conf");
            Files.writeString(conf, config("00000010 = port: 22\n", "family = inet\nchain-forward = NOPE-FORWARD\n"));
            Daemon d = Daemon.launch(lab, dir, conf);
            assertThat(d.awaitExit()).isEqualTo(1);
            assertThat(d.log()).contains("chain-forward = NOPE-FORWARD: chain 'NOPE-FORWARD' does not exist in table 'inet filter'");

            Files.writeString(conf, config("00000010 = port: 22\n", "family = ip\n"));
            d = Daemon.launch(lab, dir, conf);
            assertThat(d.awaitExit()).isEqualTo(1);
            assertThat(d.log()).contains("nftables table 'ip filter' is not usable");

            Files.writeString(conf, config("00000010 = port: 22\n", "family = inet\nexe = /nonexistent/nft\n"));
            d = Daemon.launch(lab, dir, conf);
            assertThat(d.awaitExit()).isEqualTo(1);
            assertThat(d.log()).contains("[NFTABLES] exe = /nonexistent/nft: /nonexistent/nft does not exist");

            Files.writeString(conf, config("00000010 = port: 22\n", "chain-output = LETMEIN-OUTPUT\n"));
            d = Daemon.launch(lab, dir, conf);
            assertThat(d.awaitExit()).isEqualTo(1);
            assertThat(d.log()).contains("[NFTABLES] family is not specified");
            assertThat(lab.hasSet("letmein-v4")).isFalse();
        }
    }

    @Test
    void checkConfigAndSocketPathRules() throws Exception {
        try (Lab lab = Lab.create("l7")) {
            Path dir = lab.newDir();
            Path conf = dir.resolve("letmeind.conf");
            Files.writeString(conf, Configs4Test.full(100));
            // in the lab's namespace: as root, --check-config also checks the live table and chains
            Cmd.Result ok = lab.exec(Lab.REPO.resolve("bin/letmeinfwd").toString(), "-c", conf.toString(),
                    "--check-config");
            assertThat(ok.exit()).as(ok.err()).isZero();
            Files.writeString(dir.resolve("bad.conf"), "[NFTABLES]\nfamily = bogus\n");
            Cmd.Result bad = Cmd.run(List.of(Lab.REPO.resolve("bin/letmeinfwd").toString(), "-c",
                    dir.resolve("bad.conf").toString(), "--check-config"));
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err()).contains("bad.conf:2");
            Cmd.Result version = Cmd.run(List.of(Lab.REPO.resolve("bin/letmeinfwd").toString(), "-v"));
            assertThat(version.exit()).isZero();
            assertThat(version.out()).contains("letmeinfwd version " + Version.text());
            Cmd.Result usage = Cmd.run(List.of(Lab.REPO.resolve("bin/letmeinfwd").toString(), "--bogus"));
            assertThat(usage.exit()).isEqualTo(2);
            Cmd.Result missing = Cmd.run(List.of(Lab.REPO.resolve("bin/letmeinfwd").toString(), "-c",
                    dir.resolve("missing.conf").toString()));
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).contains("missing.conf does not exist");
            // a regular file where the socket belongs is not replaced
            Files.createDirectories(dir.resolve("letmeinfwd"));
            Files.writeString(dir.resolve("letmeinfwd/letmeinfwd.sock"), "precious");
            Daemon d = Daemon.launch(lab, dir, conf);
            assertThat(d.awaitExit()).isEqualTo(1);
            assertThat(d.log()).contains("exists and is not a socket");
            assertThat(Files.readString(dir.resolve("letmeinfwd/letmeinfwd.sock"))).isEqualTo("precious");
            assertThat(lab.elements("letmein-v4")).as("nothing opened by the failed start").isEmpty();
            assertThat(lab.rules("LETMEIN-INPUT")).as("no jump leases after the failed start")
                    .noneMatch(r -> r.contains("/jump/"));
            Files.delete(dir.resolve("letmeinfwd/letmeinfwd.sock"));
            // a stale socket (left by kill -9) is replaced
            try (Daemon first = Daemon.start(lab, dir, Configs4Test.full(100))) {
                first.signal("KILL");
                first.awaitExit();
            }
            assertThat(Files.exists(dir.resolve("letmeinfwd/letmeinfwd.sock"))).isTrue();
            try (Daemon second = Daemon.start(lab, dir, Configs4Test.full(100))) {
                assertThat(Files.getPosixFilePermissions(second.socket()))
                        .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
                                java.nio.file.attribute.PosixFilePermission.GROUP_READ,
                                java.nio.file.attribute.PosixFilePermission.GROUP_WRITE);
                assertThat(Files.readString(dir.resolve("letmeinfwd/letmeinfwd.pid")).trim())
                        .isEqualTo(Long.toString(second.process.pid()));
                assertThat(Ipc.install(second.socket(), 1, 0x10, ip("10.7.0.1"), second.checksum))
                        .isEqualTo(new FwdMessage.Ack());
            }
        }
    }

    /**
     * {@code --list-leases} reads the kernel: the owner and time left of each lease, in text and JSON,
     * while letmeinfwd runs and after a restart (the jump lease is gone then: stop removes it).
     */
    @Test
    void listLeasesShowsAddressPortOwnerAndTimeLeftAlsoAfterARestart() throws Exception {
        try (Lab lab = Lab.create("l5")) {
            Path dir = lab.newDir();
            String conf = Configs4Test.full(100);
            String bin = Lab.REPO.resolve("bin/letmeinfwd").toString();
            try (Daemon d = Daemon.start(lab, dir, conf)) {
                Cmd.Result none = lab.exec(bin, "-c", d.config.toString(), "--list-leases");
                assertThat(none.exit()).as(none.err()).isZero();
                assertThat(none.out()).contains("no leases open in table inet filter");
                assertThat(Ipc.install(d.socket(), 1, 0x10, ip("10.1.0.1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                assertThat(Ipc.install(d.socket(), 2, 0x13, ip("fd00:1::7"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                assertThat(Ipc.install(d.socket(), 1, 0x21, ip("10.1.0.2"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                Cmd.Result text = lab.exec(bin, "-c", d.config.toString(), "--list-leases");
                assertThat(text.exit()).as(text.err()).isZero();
                List<String> lines = text.out().lines().toList();
                assertThat(lines.get(0)).matches("ADDRESS +PROTO +PORT +USER +RESOURCE +EXPIRES");
                assertThat(lines).hasSize(4);
                assertThat(lines.get(1)).matches("10\\.1\\.0\\.1 +tcp +22 +00000001 +00000010 +(9m5\\d|10m00)s");
                assertThat(lines.get(2)).matches("10\\.1\\.0\\.2 +jump +MYCHAIN-IN +- +- +by-letmeinfwd");
                assertThat(lines.get(3)).matches("fd00:1::7 +tcp +2222 +00000002 +00000013 +(9m5\\d|10m00)s");
                JsonNode json = new ObjectMapper().readTree(
                        lab.exec(bin, "-c", d.config.toString(), "--list-leases", "--json").ok("--list-leases --json").out());
                assertThat(json.size()).isEqualTo(3);
                assertThat(json.get(0).get("address").asText()).isEqualTo("10.1.0.1");
                assertThat(json.get(0).get("family").asText()).isEqualTo("ipv4");
                assertThat(json.get(0).get("protocol").asText()).isEqualTo("tcp");
                assertThat(json.get(0).get("port").asInt()).isEqualTo(22);
                assertThat(json.get(0).get("user").asText()).isEqualTo("00000001");
                assertThat(json.get(0).get("resource").asText()).isEqualTo("00000010");
                assertThat(json.get(0).get("expires_in_seconds").asLong()).isBetween(590L, 600L);
                assertThat(json.get(1).get("chain").asText()).isEqualTo("MYCHAIN-IN");
                assertThat(json.get(1).get("expires_in_seconds").isNull()).isTrue();
                assertThat(json.get(2).get("family").asText()).isEqualTo("ipv6");
                d.signal("TERM");
                assertThat(d.awaitExit()).as(d.log()).isZero();
            }
            Cmd.Result stopped = lab.exec(bin, "-c", dir.resolve("letmeind.conf").toString(), "--list-leases");
            assertThat(stopped.ok("--list-leases").out().lines().skip(1).toList()).as("while letmeinfwd is stopped")
                    .hasSize(2).allMatch(l -> l.contains(" tcp "));
            try (Daemon d = Daemon.start(lab, dir, conf)) {
                JsonNode json = new ObjectMapper().readTree(
                        lab.exec(bin, "-c", d.config.toString(), "--list-leases", "--json").ok("--list-leases --json").out());
                assertThat(json.size()).as("after the restart: the port leases, with their owners").isEqualTo(2);
                assertThat(json.get(1).get("address").asText()).isEqualTo("fd00:1::7");
                assertThat(json.get(1).get("user").asText()).isEqualTo("00000002");
                assertThat(json.get(1).get("resource").asText()).isEqualTo("00000013");
                Cmd.Result bad = lab.exec(bin, "-c", d.config.toString(), "--json");
                assertThat(bad.exit()).isEqualTo(2);
                assertThat(bad.err()).contains("--json only goes with --list-leases").contains("Try 'letmeinfwd --help'.");
                d.signal("TERM");
                assertThat(d.awaitExit()).as(d.log()).isZero();
            }
        }
    }
}
