package letmein.daemon;

import static letmein.proto.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import letmein.daemon.policy.*;
import letmein.daemon.systemd.*;
import letmein.daemon.transport.*;
import letmein.proto.daemon.*;
import letmein.proto.session.*;

/** The real program through {@code bin/letmeind}: CLI, config, pid file, signals, a knock. */
class MainIT {
    private static final Path LAUNCHER = Path.of("../bin/letmeind").toAbsolutePath().normalize();
    private Path dir;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        assertThat(LAUNCHER).as("launcher").exists();
        assertThat(Path.of("target/letmeind.jar")).as("built jar (mvn package)").exists();
        dir = Files.createTempDirectory("lmd-main-");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        }
    }

    private static int freePort() throws Exception {
        return FreePort.tcpAndUdp();
    }

    private Path config(int port, String policy) throws Exception {
        Path f = dir.resolve("letmeind.conf");
        Files.writeString(f, "[GENERAL]\nport = " + port + " / tcp, udp\ncontrol-timeout = 2.0\n"
                + "control-error-policy = " + policy + "\n\n[KEYS]\n" + USER + " = " + KEY.toHex() + "\n\n"
                + "[RESOURCES]\n" + PORT42 + " = port: 42\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private Process run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        started.add(p);
        return p;
    }

    private static String output(Process p) throws Exception {
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("process finished").isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void checkConfigVersionAndUsageErrors() throws Exception {
        Path good = config(5800, "basic-auth");
        Process p = run("-c", good.toString(), "--check-config");
        assertThat(output(p)).contains("configuration OK");
        assertThat(p.exitValue()).isZero();

        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "[GENERAL]\nport = 5800\ncontrol-error-policy = sometimes\n");
        p = run("-c", bad.toString(), "--check-config");
        assertThat(output(p)).contains("bad.conf").contains("3");
        assertThat(p.exitValue()).isEqualTo(1);

        p = run("-c", dir.resolve("missing.conf").toString(), "--check-config");
        assertThat(output(p)).contains("missing.conf");
        assertThat(p.exitValue()).isEqualTo(1);

        p = run("-v");
        assertThat(output(p)).contains("letmeind version " + Version.text());
        assertThat(p.exitValue()).isZero();

        p = run("--no-such-option");
        output(p);
        assertThat(p.exitValue()).isEqualTo(2);

        p = run("-n", "0", "-c", good.toString());
        assertThat(output(p)).contains("invalid value for -n: '0' is not a positive number");
        assertThat(p.exitValue()).isEqualTo(2);
    }

    @Test
    void servesWritesPidFileSurvivesSighupAndExitsZeroOnSigterm() throws Exception {
        int port = freePort();
        Path cfg = config(port, "basic-auth");
        Path rundir = dir.resolve("run");
        try (FwdStandIn fwd = new FwdStandIn(rundir)) {
            Process p = run("-c", cfg.toString(), "--rundir", rundir.toString(), "--no-systemd", "--seccomp", "log");
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            OutputLines.collect(p, lines);
            awaitLine(lines, "letmeind " + Version.text() + ": serving control port " + port);
            Path pid = rundir.resolve("letmeind/letmeind.pid");
            assertThat(Files.readString(pid)).isEqualTo(p.pid() + "\n");

            knock(port);
            signal("HUP", p.pid());
            awaitLine(lines, "reload: unchanged (SIGHUP)");
            assertThat(p.isAlive()).isTrue();
            knock(port);
            assertThat(fwd.requests()).hasSize(2);

            signal("TERM", p.pid());
            assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(pid).doesNotExist();
            List<String> all = new ArrayList<>(lines);
            assertThat(all).anyMatch(l -> l.contains("seccomp requested") && l.contains("SystemCallFilter="));
            assertThat(all).anyMatch(l -> Harness.withoutLevel(l).startsWith("[127.0.0.1]: Resource 87654321 successfully knocked."));
        }
    }

    @Test
    void refusesASymlinkedPidFile() throws Exception {
        int port = freePort();
        Path cfg = config(port, "basic-auth");
        Path rundir = dir.resolve("run");
        Files.createDirectories(rundir.resolve("letmeind"));
        Path victim = dir.resolve("victim");
        Files.writeString(victim, "keep");
        Files.createSymbolicLink(rundir.resolve("letmeind/letmeind.pid"), victim);
        Process p = run("-c", cfg.toString(), "--rundir", rundir.toString(), "--no-systemd");
        assertThat(output(p)).contains("symbolic link");
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(Files.readString(victim)).isEqualTo("keep");
    }

    private static void knock(int port) throws Exception {
        try (TestClient.Tcp c = new TestClient.Tcp(InetAddress.getByName("127.0.0.1"), port, null, 5000)) {
            c.send(TestClient.knock(KEY, USER, PORT42));
            Message ch = c.receive().orElseThrow();
            c.send(TestClient.response(KEY, ch));
            assertThat(c.receive().orElseThrow().operation()).isEqualTo(Operation.COMEIN);
        }
    }

    private static void signal(String sig, long pid) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start();
        assertThat(k.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(k.exitValue()).isZero();
    }

    private static void awaitLine(LinkedBlockingQueue<String> lines, String prefix) throws Exception {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            String l = lines.poll(100, TimeUnit.MILLISECONDS);
            if (l == null) {
                continue;
            }
            seen.add(l);
            if (Harness.withoutLevel(l).startsWith(prefix)) {
                lines.addAll(seen); // keep everything for later assertions
                return;
            }
        }
        throw new AssertionError("no line starting with '" + prefix + "'; saw " + seen);
    }


}
