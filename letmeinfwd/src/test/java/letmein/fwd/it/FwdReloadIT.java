package letmein.fwd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import letmein.proto.config.ConfigChecksum;
import letmein.proto.fwd.FwdMessage;

/**
 * Live reload of the real letmeinfwd (bin/letmeinfwd, real nftables in a namespace, real signals): SIGHUP
 * applies a new user and resource at once, touches no lease and no rule, a broken edit keeps the last
 * good config; the checksum rule across the two daemons' reloads; SIGUSR1 and SIGPIPE do nothing.
 */
class FwdReloadIT {
    static final String K3 = "00000003 = 2123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n";

    @BeforeAll
    static void environment() {
        Lab.requireEnvironment();
    }

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    static ConfigChecksum checksum(String text) {
        return ConfigChecksum.of(text.getBytes(StandardCharsets.UTF_8));
    }

    static void replace(Path file, String text) throws Exception {
        Path tmp = file.resolveSibling("letmeind.conf.new");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void sighupAppliesAtOnceKeepsLeasesAndRefusesABrokenEdit() throws Exception {
        try (Lab lab = Lab.create("r1")) {
            String v1 = Configs4Test.full(100);
            // user 3 and resource 0x15 (only for user 3) added; resource 0x12 removed
            String v2 = v1.replace("\n\n[RESOURCES]", "\n" + K3 + "\n[RESOURCES]")
                    .replace("00000012 = port: 4096 / tcp, udp\n", "00000015 = port: 8022 / users: 00000003\n");
            assertThat(v2).contains(K3).contains("00000015").doesNotContain("00000012");
            try (Daemon d = Daemon.start(lab, lab.newDir(), v1)) {
                assertThat(Ipc.install(d.socket(), 1, 0x12, ip("10.8.0.1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                assertThat(Ipc.install(d.socket(), 1, 0x21, ip("10.8.0.1"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                String rules = String.join("\n", lab.rules("LETMEIN-INPUT"));
                assertThat(Ipc.install(d.socket(), 3, 0x15, ip("10.8.0.3"), checksum(v2))).isEqualTo(new FwdMessage.Nack());

                replace(d.config, v2);
                d.signal("HUP");
                awaitLog(d, "reload: applied (SIGHUP)");
                assertThat(d.log()).contains("users +[00000003] -[]").contains("resources +[00000015] -[00000012]");
                // the new user gets in at once, with the new checksum
                assertThat(Ipc.install(d.socket(), 3, 0x15, ip("10.8.0.3"), checksum(v2))).isEqualTo(new FwdMessage.Ack());
                assertThat(lab.elements("letmein-v4")).containsKey("10.8.0.3 . tcp . 8022");
                // nothing was flushed: the earlier leases are still in the kernel, the jump rule still there
                assertThat(lab.elements("letmein-v4")).containsKey("10.8.0.1 . tcp . 4096")
                        .containsKey("10.8.0.1 . udp . 4096");
                assertThat(String.join("\n", lab.rules("LETMEIN-INPUT"))).contains("10.8.0.1");
                assertThat(lab.rules("LETMEIN-INPUT")).containsAll(java.util.List.of(rules.split("\n")));
                // letmeind has not reloaded yet: its previous checksum works, under the new config
                assertThat(Ipc.install(d.socket(), 1, 0x10, ip("10.8.0.4"), d.checksum)).isEqualTo(new FwdMessage.Ack());
                assertThat(Ipc.install(d.socket(), 1, 0x12, ip("10.8.0.4"), d.checksum)).as("removed resource")
                        .isEqualTo(new FwdMessage.Nack());

                // a broken edit: refused with file and line, the last good config serves on
                replace(d.config, v2.replace("port: 8022", "port: 80220"));
                d.signal("HUP");
                awaitLog(d, "reload: refused (SIGHUP)");
                assertThat(d.log()).contains(d.config + ":");
                assertThat(Ipc.install(d.socket(), 3, 0x15, ip("10.8.0.5"), checksum(v2))).isEqualTo(new FwdMessage.Ack());

                // SIGUSR1 and SIGPIPE end nothing
                d.signal("USR1");
                awaitLog(d, "SIGUSR1 ignored");
                d.signal("PIPE");
                Daemon.sleep(300);
                assertThat(d.process.isAlive()).as(d.log()).isTrue();
                assertThat(Ipc.install(d.socket(), 3, 0x15, ip("10.8.0.6"), checksum(v2))).isEqualTo(new FwdMessage.Ack());

                d.signal("TERM");
                assertThat(d.awaitExit()).as(d.log()).isZero();
            }
        }
    }

    @Test
    void letmeindReloadedFirst_itsNewChecksumMakesLetmeinfwdReadTheFile() throws Exception {
        try (Lab lab = Lab.create("r2")) {
            String v1 = Configs4Test.full(100);
            String v2 = v1.replace("\n\n[RESOURCES]", "\n" + K3 + "\n[RESOURCES]");
            try (Daemon d = Daemon.start(lab, lab.newDir(), v1)) {
                replace(d.config, v2); // the admin's edit; letmeind has reloaded, letmeinfwd's SIGHUP is still to come
                assertThat(Ipc.install(d.socket(), 3, 0x10, ip("10.9.0.3"), checksum(v2))).as(d.log())
                        .isEqualTo(new FwdMessage.Ack());
                assertThat(d.log()).contains("reload: applied (letmeind sent checksum");
                // a checksum that is neither the file's nor the previous one: refused, nothing applied
                assertThat(Ipc.install(d.socket(), 1, 0x10, ip("10.9.0.4"), checksum("forged"))).isEqualTo(new FwdMessage.Nack());
                assertThat(d.log()).contains("checksum mismatch between letmeind and letmeinfwd");
                // the late SIGHUP: unchanged
                d.signal("HUP");
                awaitLog(d, "reload: unchanged (SIGHUP)");
                assertThat(Ipc.install(d.socket(), 3, 0x10, ip("10.9.0.5"), checksum(v2))).isEqualTo(new FwdMessage.Ack());
            }
        }
    }

    private static void awaitLog(Daemon d, String text) {
        long end = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < end) {
            if (d.log().contains(text)) {
                return;
            }
            Daemon.sleep(50);
        }
        throw new AssertionError("no '" + text + "' in the log:\n" + d.log());
    }
}
