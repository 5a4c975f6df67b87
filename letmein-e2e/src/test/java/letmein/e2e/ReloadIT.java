package letmein.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import letmein.e2e.Lab.Daemon;
import letmein.e2e.Lab.Host;

/**
 * Live reload with both real daemons, real nftables and the real client: letmeind.conf is edited in
 * place, then both daemons get SIGHUP one after the other, in either order, with knocks in the window
 * between the two reloads. A new user gets in at once, an earlier lease stays open, a broken edit leaves
 * both daemons running on the last good file, and SIGUSR1/SIGPIPE end neither.
 */
class ReloadIT extends LabTestBase {
    private static final String USER3 = "00000003";

    @Test
    void letmeindFirst() {
        scenario(Daemon.LETMEIND, Daemon.FWD);
    }

    @Test
    void letmeinfwdFirst() {
        scenario(Daemon.FWD, Daemon.LETMEIND);
    }

    private void scenario(Daemon first, Daemon second) {
        // an earlier lease of user 1 from the client
        ok(lab.letmein(Host.CLIENT, "knock", Lab.NAME_DUAL, "22"));
        assertReach(Host.CLIENT, Lab.SSH_PORT, true, true);

        // the admin adds user 3, with port 22, and hands the key to the other host
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String key3 = HexFormat.of().formatHex(raw);
        Path user3 = lab.writeFile("client/user3.conf", "[GENERAL]\nport = " + Lab.CONTROL_PORT + " / tcp, udp\n"
                + "control-timeout = 3.0\n\n[CLIENT]\ndefault-user = " + USER3 + "\n\n[KEYS]\n" + USER3 + " = " + key3
                + "\n\n[RESOURCES]\n00000022 = port: 22\n");
        assertThat(lab.letmein(Host.OTHER, user3, "knock", Lab.NAME_V4, "22").exitCode()).as("user 3 before the edit")
                .isEqualTo(1);
        lab.editConfig(c -> c.replace("[KEYS]\n", "[KEYS]\n" + USER3 + " = " + key3 + "\n")
                .replace("00000022 = port: 22 / users: 00000001", "00000022 = port: 22 / users: 00000001, " + USER3));

        // the first daemon reloads; the second has not yet
        int firstLines = count(first, "reload: applied (SIGHUP)");
        lab.signal(first, "HUP");
        awaitCount(first, "reload: applied (SIGHUP)", firstLines + 1);
        assertLogLine(first, "reload: applied (SIGHUP)", "users +[" + USER3 + "] -[]", "~[00000022]");
        // in the window: the earlier user's knocks work in either order
        ok(lab.letmein(Host.CLIENT, "knock", Lab.NAME_V4, "22"));
        CommandResult early = lab.letmein(Host.OTHER, user3, "knock", Lab.NAME_V4, "22");
        if (first == Daemon.LETMEIND) {
            // letmeind knows user 3 already; letmeinfwd reads the file because of the new checksum
            ok(early);
            assertLogLine(Daemon.FWD, "reload: applied (letmeind sent checksum");
        } else {
            // letmeind does not know user 3 yet: refused as any unknown user (no answer, basic-auth)
            assertThat(early.exitCode()).as(early.describe()).isEqualTo(1);
        }

        // the second daemon reloads
        lab.signal(second, "HUP");
        awaitCount(second, second == Daemon.FWD ? "reload: unchanged (SIGHUP)" : "reload: applied (SIGHUP)", 1);
        ok(lab.letmein(Host.OTHER, user3, "knock", Lab.NAME_DUAL, "22"));
        assertReach(Host.OTHER, Lab.SSH_PORT, true, true);
        assertReach(Host.CLIENT, Lab.SSH_PORT, true, true); // the earlier lease is still open
        assertThat(lab.ruleset()).as("no flush").contains(Lab.CLIENT_V4);

        // a broken edit: both refuse it, keep running, and knocks still work
        lab.editConfig(c -> c.replace("00000022 = port: 22 /", "00000022 = port: twenty-two /"));
        lab.signal(Daemon.LETMEIND, "HUP");
        lab.signal(Daemon.FWD, "HUP");
        awaitCount(Daemon.LETMEIND, "reload: refused (SIGHUP)", 1);
        awaitCount(Daemon.FWD, "reload: refused (SIGHUP)", 1);
        assertLogLine(Daemon.LETMEIND, "reload: refused (SIGHUP)", lab.serverConfig() + ":");
        assertLogLine(Daemon.FWD, "reload: refused (SIGHUP)", lab.serverConfig() + ":");
        ok(lab.letmein(Host.OTHER, user3, "knock", Lab.NAME_V4, "22"));
        ok(lab.letmein(Host.CLIENT, "knock", Lab.NAME_V4, "22"));

        // neither SIGUSR1 nor SIGPIPE ends a daemon
        for (Daemon d : new Daemon[] {Daemon.LETMEIND, Daemon.FWD}) {
            lab.signal(d, "USR1");
            lab.signal(d, "PIPE");
        }
        awaitCount(Daemon.LETMEIND, "SIGUSR1 ignored", 1);
        awaitCount(Daemon.FWD, "SIGUSR1 ignored", 1);
        Lab.sleep(Duration.ofMillis(500));
        assertThat(lab.alive(Daemon.LETMEIND)).as(lab.log(Daemon.LETMEIND)).isTrue();
        assertThat(lab.alive(Daemon.FWD)).as(lab.log(Daemon.FWD)).isTrue();
        ok(lab.letmein(Host.CLIENT, "knock", Lab.NAME_V4, "22"));
    }

    private int count(Daemon d, String text) {
        return (int) lab.log(d).lines().filter(l -> l.contains(text)).count();
    }

    private void awaitCount(Daemon d, String text, int n) {
        boolean seen = Lab.eventually(Duration.ofSeconds(20), () -> count(d, text) >= n);
        assertThat(seen).as("%d lines with '%s' in the %s log:%n%s", n, text, d, lab.log(d)).isTrue();
    }
}
