package letmein.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The harness's own promise: a lab whose run was killed (owner process gone, daemons and namespaces
 * left behind) is removed by the next run, which then works; and a lab never overwrites another.
 */
class LabHarnessIT {

    @Test
    void daemonsRunWithTheRightPrivileges() throws Exception {
        try (Lab lab = Lab.up("LabHarnessIT-privileges")) {
            Map<String, String> d = status(lab.pid(Lab.Daemon.LETMEIND));
            Map<String, String> fwd = status(lab.pid(Lab.Daemon.FWD));
            assertThat(d.get("Uid").split("\\s+")).as("letmeind uids (real, effective, saved, fs)").doesNotContain("0");
            assertThat(d.get("Gid").split("\\s+")).as("letmeind gids").doesNotContain("0");
            assertThat(d.get("Groups")).as("letmeind supplementary groups").isEmpty();
            assertThat(d.get("CapEff")).as("letmeind capabilities").matches("0+");
            assertThat(d.get("CapPrm")).as("letmeind permitted capabilities").matches("0+");
            assertThat(d.get("NoNewPrivs")).isEqualTo("1");
            assertThat(fwd.get("Uid").split("\\s+")[1]).as("letmeinfwd effective uid").isEqualTo("0");
            // both really are the JVMs started from bin/ (the launchers exec)
            assertThat(ProcessHandle.of(lab.pid(Lab.Daemon.LETMEIND)).flatMap(p -> p.info().commandLine()).orElse(""))
                    .contains("letmeind.jar");
            assertThat(ProcessHandle.of(lab.pid(Lab.Daemon.FWD)).flatMap(p -> p.info().commandLine()).orElse(""))
                    .contains("letmeinfwd.jar");
        }
    }

    private static Map<String, String> status(long pid) throws java.io.IOException {
        Map<String, String> m = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                m.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return m;
    }

    @Test
    void aLabLeftByAKilledRunIsRemovedByTheNextRun() throws Exception {
        Path repo = Prerequisites.repo();
        Prerequisites.check(repo);
        String labSh = repo.resolve("letmein-e2e/lab.sh").toString();
        byte[] b = new byte[2];
        new SecureRandom().nextBytes(b);
        String stale = "lme-" + HexFormat.of().formatHex(b);
        // the "run" that gets killed: its owner is a process we kill ourselves, without any cleanup
        Process owner = new ProcessBuilder("sleep", "600").start();
        try {
            CommandResult up = Lab.exec(List.of(labSh, "up", stale, "--owner", Long.toString(owner.pid())),
                    Duration.ofSeconds(240), Map.of());
            assertThat(up.exitCode()).as(up.describe()).isZero();
            Path dir = Path.of(up.stdout().strip());
            List<Long> pids = new ArrayList<>();
            for (String name : List.of("fwd", "letmeind", "sshd")) {
                pids.add(Long.parseLong(Files.readString(dir.resolve("pids/" + name + ".pid")).trim().split("\\s+")[0]));
            }
            assertThat(pids).allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

            // a second lab with the same prefix is refused while the first one's owner lives
            CommandResult clash = Lab.exec(List.of(labSh, "up", stale), Duration.ofSeconds(60), Map.of());
            assertThat(clash.exitCode()).as(clash.describe()).isNotZero();
            assertThat(clash.stderr()).contains("already exists");

            owner.destroyForcibly();
            assertThat(owner.waitFor(10, TimeUnit.SECONDS)).isTrue();

            // the next run starts: the stale lab disappears completely, and the new one works
            try (Lab lab = Lab.up("LabHarnessIT-nextRun")) {
                assertThat(pids).noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
                assertThat(Files.exists(dir)).as("stale lab directory removed").isFalse();
                assertThat(Files.exists(Path.of("/etc/netns/" + stale + "-server"))).isFalse();
                CommandResult netns = Lab.exec(List.of("ip", "netns", "list"), Duration.ofSeconds(10), Map.of());
                assertThat(netns.stdout()).doesNotContain(stale + "-").contains(lab.prefix() + "-server");
                CommandResult knock = lab.letmein(Lab.Host.CLIENT, "knock", Lab.NAME_DUAL, "22");
                assertThat(knock.exitCode()).as(knock.describe()).isZero();
                assertThat(lab.tcpOpen(Lab.Host.CLIENT, Lab.SERVER_V6, Lab.SSH_PORT)).isTrue();
            }
        } finally {
            owner.destroyForcibly();
            Lab.exec(List.of(labSh, "down", stale), Duration.ofSeconds(90), Map.of());
        }
    }
}
