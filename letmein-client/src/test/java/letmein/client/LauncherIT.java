package letmein.client;

import static letmein.client.TestSupport.KEY;
import static letmein.client.TestSupport.USER;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import letmein.client.testserver.RefServer;
import letmein.proto.daemon.Version;
import letmein.proto.wire.ResourceId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher {@code bin/letmein} on the built jar (and its CDS archive), as ssh would run it,
 * against {@link RefServer} (a stand-in for letmeind) on loopback, with real config files.
 */
class LauncherIT {
    private static final Path LAUNCHER = Path.of("..", "bin", "letmein").toAbsolutePath().normalize();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @TempDir
    Path dir;

    record Run(int code, byte[] out, String err) {
        String outText() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    private static Run run(byte[] stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(LAUNCHER.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread o = pump(p.getInputStream(), out);
            Thread e = pump(p.getErrorStream(), err);
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin);
            } catch (IOException ignored) {
                // the program may exit before reading its input (usage errors)
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("bin/letmein " + String.join(" ", args) + " did not finish in 60 s");
            }
            o.join(5000);
            e.join(5000);
            return new Run(p.exitValue(), out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(to);
            } catch (IOException ignored) {
                // process ended
            }
        });
        t.start();
        return t;
    }

    private Path config(int controlPort, int protectedPort) throws IOException {
        Path c = dir.resolve("letmein.conf");
        Files.writeString(c, "[GENERAL]\nport = " + controlPort + " / tcp, udp\ncontrol-timeout = 3\n"
                + "[CLIENT]\ndefault-user = " + USER + "\n[KEYS]\n" + USER + " = " + KEY.toHex() + "\n"
                + "[RESOURCES]\n00001000 = port: " + protectedPort + "\n");
        return c;
    }

    @Test
    void genKeyVersionAndUsage() throws Exception {
        assertThat(Files.isExecutable(LAUNCHER)).as("%s (run mvn package first)", LAUNCHER).isTrue();
        Run g = run(new byte[0], "gen-key", "-u", "12345678");
        assertThat(g.code()).as(g.err()).isZero();
        assertThat(g.outText()).matches("12345678 = [0-9A-F]{64}\n");
        assertThat(g.err()).isEmpty();
        Run v = run(new byte[0], "--version");
        assertThat(v.outText()).isEqualTo(Version.line("letmein") + "\n").matches("letmein version [0-9]+\\.[0-9]+\\.[0-9]+\n");
        Run u = run(new byte[0], "knock");
        assertThat(u.code()).isEqualTo(2);
        assertThat(u.err()).contains("Missing required parameter");
        Run none = run(new byte[0]);
        assertThat(none.code()).isEqualTo(1);
    }

    @Test
    void knockWithARealConfigFileAndCheckConfig() throws Exception {
        try (RefServer server = new RefServer(Map.of(USER, KEY), Set.of(ResourceId.parse("1000")))) {
            int port = server.start(InetAddress.getLoopbackAddress(), true, true);
            Path c = config(port, 2222);
            Run ok = run(new byte[0], "-c", c.toString(), "--check-config");
            assertThat(ok.code()).as(ok.err()).isZero();
            assertThat(ok.outText()).contains("configuration OK");
            Run tcp = run(new byte[0], "-c", c.toString(), "knock", "127.0.0.1", "2222");
            assertThat(tcp.code()).as(tcp.err()).isZero();
            Run udp = run(new byte[0], "-c", c.toString(), "knock", "-U", "127.0.0.1", "2222");
            assertThat(udp.code()).as(udp.err()).isZero();
            assertThat(server.knocks()).isEqualTo(2);
            Run unmapped = run(new byte[0], "-c", c.toString(), "knock", "127.0.0.1", "23");
            assertThat(unmapped.code()).isEqualTo(1);
            assertThat(unmapped.err()).contains("Port 23 is not mapped to a port-resource in " + c);
        }
        Path open = dir.resolve("open.conf");
        Files.writeString(open, "[GENERAL]\nport = 5800\n");
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        Run warned = run(new byte[0], "-c", open.toString(), "--check-config");
        assertThat(warned.code()).isZero();
        assertThat(warned.err()).contains("insecure permissions 0666").contains("chmod 0644");
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "[GENERAL]\nport = 5800 # comment\n");
        Run r = run(new byte[0], "-c", bad.toString(), "--check-config");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(bad + ":2");
    }

    @Test
    void connectKeepsStdoutForTheRelayedBytesOnly() throws Exception {
        ServerSocket echo = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        cleanup.add(echo);
        Thread t = new Thread(() -> {
            try (Socket s = echo.accept()) {
                s.getInputStream().transferTo(s.getOutputStream());
            } catch (IOException ignored) {
                // test over
            }
        });
        t.setDaemon(true);
        t.start();
        try (RefServer server = new RefServer(Map.of(USER, KEY), Set.of(ResourceId.parse("1000")))) {
            int port = server.start(InetAddress.getLoopbackAddress(), true, false);
            Path c = config(port, echo.getLocalPort());
            byte[] input = new byte[1 << 20];
            new Random(11).nextBytes(input);
            Run r = run(input, "-c", c.toString(), "--verbose", "connect", "127.0.0.1",
                    String.valueOf(echo.getLocalPort()));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).as("stdout of the real process is exactly the relayed bytes").isEqualTo(input);
            assertThat(r.err()).contains("Knock sequence successful.");
        }
    }
}
