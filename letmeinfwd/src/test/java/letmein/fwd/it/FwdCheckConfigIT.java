package letmein.fwd.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@code letmeinfwd --check-config} and the start on the same configs, through bin/letmeinfwd in a lab
 * namespace: the shared checks (keys, control port, users), the file's owner and mode, the nft
 * executable, and (as root) the live table and chains. Each refusal is exit 1 with FILE:LINE.
 */
class FwdCheckConfigIT {
    private static final String FWD = Lab.REPO.resolve("bin/letmeinfwd").toString();

    private static String config(String keys, String resources, String nftables) {
        return "[GENERAL]\nport = 5800 / tcp, udp\n\n" + keys + "[RESOURCES]\n" + resources + "\n"
                + "[NFTABLES]\nfamily = inet\ntable = filter\nchain-input = LETMEIN-INPUT\n" + nftables;
    }

    private static Path write(Path dir, String text) throws Exception {
        Path conf = dir.resolve("letmeind.conf");
        Files.writeString(conf, text);
        Files.setAttribute(conf, "unix:uid", 0);
        Files.setAttribute(conf, "unix:mode", 0640);
        return conf;
    }

    private static Cmd.Result check(Lab lab, Path conf) {
        return lab.exec(FWD, "-c", conf.toString(), "--check-config");
    }

    @Test
    void aSafeConfigPassesAndEachUnsafeOneIsRefusedWithItsLine() throws Exception {
        try (Lab lab = Lab.create("cc1")) {
            Path dir = lab.newDir();
            Path conf = write(dir, config(Configs4Test.KEYS, "00000010 = port: 22 / users: 00000001\n",
                    "chain-forward = LETMEIN-FORWARD\nchain-output = LETMEIN-OUTPUT\n"));
            Cmd.Result ok = check(lab, conf);
            assertThat(ok.exit()).as(ok.err()).isZero();
            assertThat(ok.out()).contains("configuration OK");
            assertThat(ok.err()).isEmpty();

            // no key at all: [KEYS] is line 4
            write(dir, config("[KEYS]\n\n", "00000010 = port: 22\n", ""));
            Cmd.Result noKeys = check(lab, conf);
            assertThat(noKeys.exit()).isEqualTo(1);
            assertThat(noKeys.err()).contains("letmeinfwd: " + conf + ":4: [KEYS] has no key, so nobody can knock. "
                    + "Fix: make a key with 'letmein gen-key -u 00000001'")
                    .contains(conf + ":7: [RESOURCES] resource 00000010 is for every user with a key, and [KEYS] has "
                            + "no key, so nobody can open it");

            // a resource on the control port (line 9) and one whose only user has no key (line 10)
            write(dir, config(Configs4Test.KEYS, "00000014 = port: 5800 / udp\n00000015 = port: 23 / users: 7\n", ""));
            Cmd.Result bad = check(lab, conf);
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err()).contains(conf + ":9: [RESOURCES] resource 00000014 opens port 5800/udp, and "
                    + "letmeind's control port is 5800/tcp,udp ([GENERAL] port on line 2)")
                    .contains(conf + ":10: [RESOURCES] resource 00000015 may be opened only by users: 00000007, and "
                            + "none of them has a key in [KEYS]");
        }
    }

    @Test
    void theLiveRulesetIsCheckedAsRootAndSkippedOtherwise() throws Exception {
        try (Lab lab = Lab.create("cc2")) {
            Path dir = lab.newDir();
            String keys = Configs4Test.KEYS;
            Path conf = write(dir, config(keys, "00000010 = port: 22\n", "chain-forward = NOPE-FORWARD\n"));
            Cmd.Result chain = check(lab, conf);
            assertThat(chain.exit()).isEqualTo(1);
            assertThat(chain.err()).contains(conf + ":15: [NFTABLES] chain-forward = NOPE-FORWARD: table 'inet filter' "
                    + "of the live ruleset has no chain 'NOPE-FORWARD', and letmeinfwd never creates it. Fix: 'nft add "
                    + "chain inet filter NOPE-FORWARD'");

            Path other = write(dir, config(keys, "00000010 = port: 22\n", "").replace("table = filter", "table = nosuch"));
            Cmd.Result table = check(lab, other);
            assertThat(table.exit()).isEqualTo(1);
            assertThat(table.err()).contains(conf + ":13: [NFTABLES] family = inet, table = nosuch: the live ruleset "
                    + "has no usable table 'inet nosuch'");

            // not root: the same config passes the rest and says the ruleset was not checked
            Files.setAttribute(dir, "unix:mode", 0755);
            Files.setAttribute(other, "unix:mode", 0644);
            Path readable = ReadableLauncher.in(lab.newDir(), Lab.REPO);
            Cmd.Result asNobody = lab.exec("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    readable.toString(), "-c",
                    other.toString(), "--check-config");
            assertThat(asNobody.exit()).as(asNobody.out() + asNobody.err()).isZero();
            assertThat(asNobody.out()).contains("letmeinfwd: note: not running as root, so the live ruleset was not "
                    + "checked (table inet nosuch and its chains)");
            assertThat(asNobody.err()).contains("is world-readable (mode 0644)");
        }
    }

    @Test
    void theNftExecutableMustExist() throws Exception {
        try (Lab lab = Lab.create("cc3")) {
            Path dir = lab.newDir();
            Path conf = write(dir, config(Configs4Test.KEYS, "00000010 = port: 22\n", "exe = /nonexistent/nft\n"));
            Cmd.Result r = check(lab, conf);
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains(conf + ":15: [NFTABLES] exe = /nonexistent/nft: /nonexistent/nft does not "
                    + "exist. Fix: install nftables");
            write(dir, config(Configs4Test.KEYS, "00000010 = port: 22\n", "exe = nft-not-installed\n"));
            r = check(lab, conf);
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains(conf + ":15: [NFTABLES] exe = nft-not-installed: no executable "
                    + "'nft-not-installed' in letmeinfwd's PATH (");
        }
    }

    @Test
    void aFileAnybodyButRootCanChangeIsRefusedByCheckAndStart() throws Exception {
        try (Lab lab = Lab.create("cc4")) {
            Path dir = lab.newDir();
            Path conf = write(dir, config(Configs4Test.KEYS, "00000010 = port: 22\n", ""));
            String pristine = lab.snapshot();
            Files.setAttribute(conf, "unix:uid", 65534);
            String fix = "Fix: chown root:letmeind " + conf + " && chmod 0640 " + conf;
            Cmd.Result owned = check(lab, conf);
            assertThat(owned.exit()).isEqualTo(1);
            assertThat(owned.err()).contains("letmeinfwd: " + conf + ": letmeinfwd trusts a configuration file only "
                    + "if nobody but root can change it, but " + conf + " is owned by nobody (uid 65534) (mode 0640, "
                    + "group root). " + fix);
            Daemon d = Daemon.launch(lab, dir, conf);
            assertThat(d.awaitExit()).isEqualTo(1);
            assertThat(d.log()).contains("is owned by nobody (uid 65534)").contains(fix)
                    .doesNotContain("serving on");
            assertThat(lab.snapshot()).isEqualTo(pristine); // refused before touching the firewall

            Files.setAttribute(conf, "unix:uid", 0);
            Files.setAttribute(conf, "unix:mode", 0660);
            Cmd.Result groupWritable = check(lab, conf);
            assertThat(groupWritable.exit()).isEqualTo(1);
            assertThat(groupWritable.err()).contains(conf + " is group-writable (mode 0660, owner root (uid 0), "
                    + "group root)").contains(fix);

            Files.setAttribute(conf, "unix:mode", 0640);
            Files.setAttribute(dir, "unix:mode", 0777);
            Cmd.Result openDir = check(lab, conf);
            assertThat(openDir.exit()).isEqualTo(1);
            assertThat(openDir.err()).contains("the directory " + dir + " holding " + conf
                    + " is group- and world-writable without the sticky bit");
            Files.setAttribute(dir, "unix:mode", 0755);
            assertThat(check(lab, conf).exit()).isZero();
        }
    }

    @Test
    void theDaemonDoesNotStartOnAConfigTheCheckRefuses() throws Exception {
        try (Lab lab = Lab.create("cc5")) {
            Path dir = lab.newDir();
            Path conf = write(dir, config("[KEYS]\n", "00000010 = port: 22\n", ""));
            String pristine = lab.snapshot();
            Daemon d = Daemon.launch(lab, dir, conf);
            assertThat(d.awaitExit()).isEqualTo(1);
            assertThat(d.log()).contains(conf + ":4: [KEYS] has no key, so nobody can knock.");
            assertThat(lab.snapshot()).isEqualTo(pristine);
            assertThat(List.of(d.log().split("\n"))).noneMatch(l -> l.contains("serving on"));
        }
    }
}
