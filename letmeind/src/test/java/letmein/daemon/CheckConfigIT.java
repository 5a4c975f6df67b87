package letmein.daemon;

import static letmein.proto.session.SessionFixtures.KEY;
import static letmein.proto.session.SessionFixtures.USER;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code letmeind --check-config} and letmeind's start on unsafe configs, through bin/letmeind with
 * real files, owners and modes (run as root, as CI does): each refusal is exit 1 with FILE:LINE or
 * FILE, the problem and the fix, and the start refuses exactly what the check refuses.
 */
class CheckConfigIT {
    private static final Path LAUNCHER = Path.of("../bin/letmeind").toAbsolutePath().normalize();
    private static final Path SHIPPED = Path.of("../conf/letmeind.conf").toAbsolutePath().normalize();
    private Path dir;

    record Run(int exit, String output) {
    }

    @BeforeEach
    void setUp() throws Exception {
        assertThat(Path.of("target/letmeind.jar")).as("built jar (mvn package)").exists();
        assertThat(System.getProperty("user.name")).as("these tests change file owners: run as root").isEqualTo("root");
        dir = Files.createTempDirectory("lmd-check-");
        Files.setAttribute(dir, "unix:mode", 0755);
    }

    @AfterEach
    void tearDown() throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        }
    }

    private Path write(String text, int mode) throws Exception {
        Path f = dir.resolve("letmeind.conf");
        Files.writeString(f, text);
        Files.setAttribute(f, "unix:mode", mode);
        return f;
    }

    private static String safe(String resources) {
        return "[GENERAL]\nport = 5800 / tcp, udp\n\n[KEYS]\n" + USER + " = " + KEY.toHex() + "\n\n[RESOURCES]\n"
                + resources;
    }

    private static Run run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    private static Run exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<cannot read output: " + e + ">";
            }
        });
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("letmeind finished").isTrue();
            return new Run(p.exitValue(), out.get(10, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void theShippedConfigIsRefusedUntilItHasAKey() throws Exception {
        String text = Files.readString(SHIPPED);
        Path f = write(text, 0640);
        List<String> lines = List.of(text.split("\n", -1));
        int keys = lines.indexOf("[KEYS]") + 1;
        Run r = run("-c", f.toString(), "--check-config");
        assertThat(r.exit()).as(r.output()).isEqualTo(1);
        assertThat(r.output()).contains("letmeind: " + f + ":" + keys + ": [KEYS] has no key, so nobody can knock. "
                + "Fix: make a key with 'letmein gen-key -u 00000001'")
                .contains("[RESOURCES] resource 00000022 may be opened only by users: 00000001, and none of them has a key");
        String placeholder = "# 00000001 = (no key installed: run 'letmein gen-key -u 00000001' and put its output line here)\n";
        write(text.replace(placeholder, placeholder + "00000001 = " + KEY.toHex() + "\n"), 0640);
        Run ok = run("-c", f.toString(), "--check-config");
        assertThat(ok.exit()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("configuration OK").doesNotContain("warning").doesNotContain("WARNING");
    }

    @Test
    void resourceOnTheControlPortIsRefused() throws Exception {
        Path f = write(safe("00000001 = port: 22\n00000002 = port: 5800\n"), 0640);
        Run r = run("-c", f.toString(), "--check-config");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).contains("letmeind: " + f + ":9: [RESOURCES] resource 00000002 opens port 5800/tcp, "
                + "and letmeind's control port is 5800/tcp,udp ([GENERAL] port on line 2): the control port is open "
                + "to everybody already and a resource must not be it. Fix: give the resource another port, or move "
                + "the control port ([GENERAL] port)");
    }

    @Test
    void groupOrWorldWritableOrForeignOwnedFilesAreRefused() throws Exception {
        Path f = write(safe("00000001 = port: 22\n"), 0640);
        assertThat(run("-c", f.toString(), "--check-config").exit()).isZero();
        String fix = "Fix: chown root:letmeind " + f + " && chmod 0640 " + f;
        for (int mode : new int[] {0660, 0646}) {
            Files.setAttribute(f, "unix:mode", mode);
            Run r = run("-c", f.toString(), "--check-config");
            assertThat(r.exit()).as("mode %o", mode).isEqualTo(1);
            assertThat(r.output()).contains(String.format("(mode %04o, owner root (uid 0), group root)", mode))
                    .contains(fix);
        }
        Files.setAttribute(f, "unix:mode", 0640);
        Files.setAttribute(f, "unix:uid", 65534);
        Run foreign = run("-c", f.toString(), "--check-config");
        assertThat(foreign.exit()).isEqualTo(1);
        assertThat(foreign.output()).contains("letmeind: " + f + ": letmeind trusts a configuration file only if "
                + "nobody but root, the user letmeind and letmeind's own user can change it, but " + f
                + " is owned by nobody (uid 65534) (mode 0640, group root). " + fix);
        // letmeind running as that user may read its own file (upstream only warns)
        Run own = runAs(65534, "-c", f.toString(), "--check-config");
        assertThat(own.exit()).as(own.output()).isZero();
        assertThat(own.output()).contains("is not owned by root (owner nobody (uid 65534))");
    }

    private Run runAs(int uid, String... args) throws Exception {
        Path launcher = ReadableLauncher.in(dir.resolve("readable"), LAUNCHER.getParent().getParent());
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups",
                launcher.toString()));
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    @Test
    void theDaemonDoesNotStartOnWhatTheCheckRefuses() throws Exception {
        Path f = write(safe("00000001 = port: 22 / users: 00000099\n"), 0640);
        Path rundir = dir.resolve("run");
        Run r = run("-c", f.toString(), "--rundir", rundir.toString(), "--no-systemd");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).contains("letmeind: " + f + ":8: [RESOURCES] resource 00000001 may be opened only by "
                + "users: 00000099, and none of them has a key in [KEYS], so nobody can open it.")
                .doesNotContain("serving");
        assertThat(rundir.resolve("letmeind/letmeind.pid")).doesNotExist();

        Files.setAttribute(write(safe("00000001 = port: 22\n"), 0640), "unix:mode", 0662);
        Run writable = run("-c", f.toString(), "--rundir", rundir.toString(), "--no-systemd");
        assertThat(writable.exit()).isEqualTo(1);
        assertThat(writable.output()).contains(f + " is group- and world-writable (mode 0662").doesNotContain("serving");
    }
}
