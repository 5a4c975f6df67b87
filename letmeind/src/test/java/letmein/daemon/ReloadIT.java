package letmein.daemon;

import static letmein.proto.session.SessionFixtures.KEY;
import static letmein.proto.session.SessionFixtures.OTHER_KEY;
import static letmein.proto.session.SessionFixtures.OTHER_USER;
import static letmein.proto.session.SessionFixtures.PORT42;
import static letmein.proto.session.SessionFixtures.RESTRICTED;
import static letmein.proto.session.SessionFixtures.USER;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import letmein.proto.auth.Key;
import letmein.proto.config.ConfigChecksum;
import letmein.proto.fwd.FwdMessage;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * Live reload of the real program ({@code bin/letmeind}) with real signals, against the letmeinfwd
 * stand-in: a new user gets in at once over TCP and UDP, with the new file's checksum; a broken edit and
 * a restart-only edit are refused and the last good config keeps serving; SIGUSR1 and SIGPIPE do nothing.
 */
class ReloadIT {
    private static final Path LAUNCHER = Path.of("../bin/letmeind").toAbsolutePath().normalize();
    private Path dir;
    private Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        assertThat(Path.of("target/letmeind.jar")).as("built jar (mvn package)").exists();
        dir = Files.createTempDirectory("lmd-reload-");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        }
    }

    private static int freePort() throws Exception {
        return FreePort.tcpAndUdp();
    }

    private static String text(int port, String extraKeys, String extraResources) {
        return "[GENERAL]\nport = " + port + " / tcp, udp\ncontrol-timeout = 2.0\ncontrol-error-policy = always\n\n"
                + "[KEYS]\n" + USER + " = " + KEY.toHex() + "\n" + extraKeys + "\n"
                + "[RESOURCES]\n" + PORT42 + " = port: 42\n" + extraResources;
    }

    /** As an admin should: a new file renamed over the old one. */
    private void write(Path file, String text) throws Exception {
        Path tmp = dir.resolve("letmeind.conf.new");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void sighupAppliesAValidEditAtOnceAndKeepsTheLastGoodConfigOtherwise() throws Exception {
        int port = freePort();
        Path cfg = dir.resolve("letmeind.conf");
        String v1 = text(port, "", "");
        write(cfg, v1);
        Path rundir = dir.resolve("run");
        try (FwdStandIn fwd = new FwdStandIn(rundir)) {
            process = new ProcessBuilder(LAUNCHER.toString(), "-c", cfg.toString(), "--rundir", rundir.toString(),
                    "--no-systemd").redirectErrorStream(true).start();
            readLines(process);
            awaitLine("letmeind ", "serving control port " + port);

            assertThat(knockTcp(port, KEY, USER, PORT42)).isEqualTo(Operation.COMEIN);
            assertThat(knockTcp(port, OTHER_KEY, OTHER_USER, RESTRICTED)).as("not yet configured")
                    .isEqualTo(Operation.GOAWAY);

            // a new user and a new resource: applied at the SIGHUP, for the next knock, over TCP and UDP
            String v2 = text(port, OTHER_USER + " = " + OTHER_KEY.toHex() + "\n",
                    RESTRICTED + " = port: 43 / users: " + OTHER_USER + "\n");
            write(cfg, v2);
            signal("HUP");
            String applied = awaitLine("reload: applied (SIGHUP)", "users +[" + OTHER_USER + "] -[]");
            assertThat(applied).contains("resources +[" + RESTRICTED + "] -[] ~[]");
            assertThat(knockTcp(port, OTHER_KEY, OTHER_USER, RESTRICTED)).isEqualTo(Operation.COMEIN);
            assertThat(knockUdp(port, OTHER_KEY, OTHER_USER, RESTRICTED)).isEqualTo(Operation.COMEIN);
            FwdMessage.Request last = (FwdMessage.Request) fwd.requests().get(fwd.requests().size() - 1);
            assertThat(last.checksum()).isEqualTo(ConfigChecksum.of(v2.getBytes(StandardCharsets.UTF_8)));

            // a broken edit: refused with file and line, the last good config serves on
            write(cfg, v2.replace("port: 43", "port: 70000"));
            signal("HUP");
            String refused = awaitLine("reload: refused (SIGHUP), keeping the running configuration: " + cfg + ":", "");
            assertThat(refused).contains("70000");
            assertThat(knockTcp(port, OTHER_KEY, OTHER_USER, RESTRICTED)).isEqualTo(Operation.COMEIN);
            last = (FwdMessage.Request) fwd.requests().get(fwd.requests().size() - 1);
            assertThat(last.checksum()).isEqualTo(ConfigChecksum.of(v2.getBytes(StandardCharsets.UTF_8)));

            // a restart-only edit (the control port) together with a removed user: nothing applied
            write(cfg, text(port + 1, "", ""));
            signal("HUP");
            assertThat(awaitLine("reload: refused (SIGHUP)", "need a restart")).contains("[GENERAL] port " + port);
            assertThat(knockTcp(port, OTHER_KEY, OTHER_USER, RESTRICTED)).isEqualTo(Operation.COMEIN);

            // a new control-timeout: new UDP challenges (new secret and slot), knocks over UDP go on
            write(cfg, v2.replace("control-timeout = 2.0", "control-timeout = 3.0"));
            signal("HUP");
            awaitLine("reload: applied (SIGHUP)", "settings=[[GENERAL] control-timeout 2000ms -> 3000ms]");
            assertThat(knockUdp(port, OTHER_KEY, OTHER_USER, RESTRICTED)).isEqualTo(Operation.COMEIN);
            assertThat(knockUdp(port, KEY, USER, PORT42)).isEqualTo(Operation.COMEIN);

            // back to v1: the user is removed live
            write(cfg, v1);
            signal("HUP");
            awaitLine("reload: applied (SIGHUP)", "users +[] -[" + OTHER_USER + "]");
            assertThat(knockTcp(port, OTHER_KEY, OTHER_USER, RESTRICTED)).isEqualTo(Operation.GOAWAY);

            // neither SIGUSR1 nor SIGPIPE ends it
            signal("USR1");
            awaitLine("SIGUSR1 ignored", "");
            signal("PIPE");
            Thread.sleep(300);
            assertThat(process.isAlive()).as("alive after SIGUSR1 and SIGPIPE").isTrue();
            assertThat(knockTcp(port, KEY, USER, PORT42)).isEqualTo(Operation.COMEIN);

            signal("TERM");
            assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
        }
    }

    private static Operation knockTcp(int port, Key key, UserId user, ResourceId res) throws Exception {
        try (TestClient.Tcp c = new TestClient.Tcp(InetAddress.getByName("127.0.0.1"), port, null, 5000)) {
            c.send(TestClient.knock(key, user, res));
            Message ch = c.receive().orElseThrow();
            if (ch.operation() != Operation.CHALLENGE) {
                return ch.operation();
            }
            c.send(TestClient.response(key, ch));
            return c.receive().orElseThrow().operation();
        }
    }

    private static Operation knockUdp(int port, Key key, UserId user, ResourceId res) throws Exception {
        try (TestClient.Udp c = new TestClient.Udp(InetAddress.getByName("127.0.0.1"), port, 5000)) {
            c.send(TestClient.knock(key, user, res));
            Message ch = c.receive().orElseThrow();
            if (ch.operation() != Operation.CHALLENGE) {
                return ch.operation();
            }
            c.send(TestClient.response(key, ch));
            Optional<Message> r = c.receive();
            return r.orElseThrow().operation();
        }
    }

    private void signal(String sig) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start();
        assertThat(k.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(k.exitValue()).isZero();
    }

    private void readLines(Process p) {
        OutputLines.collect(p, lines);
    }

    /** The next line (after the level) starting with {@code prefix} and containing {@code part}. */
    private String awaitLine(String prefix, String part) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            String l = lines.poll(100, TimeUnit.MILLISECONDS);
            if (l == null) {
                continue;
            }
            seen.add(l);
            String t = Harness.withoutLevel(l);
            if (t.startsWith(prefix) && t.contains(part)) {
                return t;
            }
        }
        throw new AssertionError("no line starting with '" + prefix + "' containing '" + part + "'; saw " + seen);
    }
}
