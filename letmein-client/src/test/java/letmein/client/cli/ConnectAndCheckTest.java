package letmein.client.cli;

import static letmein.client.TestSupport.KEY;
import static letmein.client.TestSupport.USER;
import static letmein.client.TestSupport.config;
import static letmein.client.TestSupport.general;
import static letmein.client.TestSupport.portResource;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import letmein.client.TestSupport;
import letmein.client.TestSupport.Result;
import letmein.client.plan.Family;
import letmein.client.plan.Resolver;
import letmein.client.testserver.RefServer;
import letmein.proto.config.ClientConfig;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ResourceId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code connect} (relay through an echo server, stdout clean) and {@code check} (the dual-stack audit). */
class ConnectAndCheckTest {
    private static final InetAddress LO4 = InetAddress.getLoopbackAddress();
    private static final InetAddress LO6 = lo6();
    private static final ResourceId RES = ResourceId.parse("1000");
    private RefServer server;
    private final List<AutoCloseable> cleanup = new java.util.ArrayList<>();

    private static InetAddress lo6() {
        try {
            return InetAddress.getByName("::1");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    private ClientConfig cfg(int controlPort, int protectedPort) {
        return config(general(controlPort, true, false, Duration.ofMillis(1500)), Map.of(USER, KEY),
                portResource("1000", protectedPort));
    }

    /** Echoes everything back; closes when the client half-closes. */
    private ServerSocket echoServer() throws IOException {
        ServerSocket ss = new ServerSocket(0, 5, LO4);
        cleanup.add(ss);
        Thread t = new Thread(() -> {
            try (Socket s = ss.accept()) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] b = new byte[8192];
                int n;
                while ((n = in.read(b)) > 0) {
                    out.write(b, 0, n);
                }
            } catch (IOException e) {
                // test ends
            }
        }, "echo");
        t.setDaemon(true);
        t.start();
        return ss;
    }

    @Test
    void connectRelaysOneMebibyteEachWayAndNothingElse() throws Exception {
        ServerSocket echo = echoServer();
        server = new RefServer(Map.of(USER, KEY), Set.of(RES));
        int control = server.start(LO4, true, false);
        byte[] input = new byte[1 << 20];
        new Random(7).nextBytes(input);
        Result r = TestSupport.run(cfg(control, echo.getLocalPort()), TestSupport.resolver(Map.of()), input,
                "--verbose", "connect", "127.0.0.1", String.valueOf(echo.getLocalPort()));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.stdout()).as("stdout holds exactly the relayed bytes").isEqualTo(input);
        assertThat(r.err()).contains("Knock sequence successful.").contains("half-closing");
        assertThat(server.knocks()).isEqualTo(1);
    }

    @Test
    void connectEndsWhenTheServerClosesEvenIfStdinStaysOpen() throws Exception {
        ServerSocket greeter = new ServerSocket(0, 5, LO4);
        cleanup.add(greeter);
        Thread t = new Thread(() -> {
            try (Socket s = greeter.accept()) {
                s.getOutputStream().write("SSH-2.0-test\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // test ends
            }
        });
        t.setDaemon(true);
        t.start();
        server = new RefServer(Map.of(USER, KEY), Set.of(RES));
        int control = server.start(LO4, true, false);
        PipedOutputStream keepOpen = new PipedOutputStream();
        cleanup.add(keepOpen);
        PipedInputStream stdin = new PipedInputStream(keepOpen);
        ByteArrayStdinRun run = new ByteArrayStdinRun();
        Result r = run.run(cfg(control, greeter.getLocalPort()), stdin, "connect", "127.0.0.1",
                String.valueOf(greeter.getLocalPort()));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("SSH-2.0-test\r\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void connectFallsBackToIpv4WhenTheIpv6KnockFails() throws Exception {
        ServerSocket echo = echoServer();
        server = new RefServer(Map.of(USER, KEY), Set.of(RES));
        int control = server.start(LO4, true, false); // no control port on ::1: the IPv6 knock is refused
        Resolver dual = TestSupport.resolver(Map.of("dual.test", List.of(LO6, LO4)));
        byte[] input = "hello over IPv4\n".getBytes(StandardCharsets.US_ASCII);
        Result r = TestSupport.run(cfg(control, echo.getLocalPort()), dual, input, "connect", "dual.test",
                String.valueOf(echo.getLocalPort()));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.stdout()).isEqualTo(input);
        assertThat(r.err()).contains("Warning: knock over IPv6 failed").contains("connected over IPv4 instead");
    }

    @Test
    void connectFailsClearlyWhenTheKnockFails() throws Exception {
        ServerSocket echo = echoServer();
        server = new RefServer(Map.of(USER, KEY), Set.of(RES));
        int control = server.start(LO4, true, false);
        server.mode(RefServer.Mode.GOAWAY);
        Result r = TestSupport.run(cfg(control, echo.getLocalPort()), TestSupport.resolver(Map.of()), new byte[10],
                "connect", "127.0.0.1", String.valueOf(echo.getLocalPort()));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.err()).contains("rejected");
    }

    /** Simulates the firewall: a successful KNOCK from a family binds PORT on that family's loopback. */
    private RefServer firewallSimulatingServer(int protectedPort, Set<Family> guarded) throws IOException {
        Map<Family, ServerSocket> openNow = new ConcurrentHashMap<>();
        RefServer s = new RefServer(Map.of(USER, KEY), Set.of(RES));
        s.onSuccess((op, peer) -> {
            Family f = Family.of(peer);
            if (!guarded.contains(f)) {
                return;
            }
            try {
                if (op == Operation.KNOCK) {
                    ServerSocket ss = new ServerSocket();
                    ss.bind(new InetSocketAddress(f == Family.IPV4 ? LO4 : LO6, protectedPort));
                    openNow.put(f, ss);
                    cleanup.add(ss);
                } else {
                    ServerSocket ss = openNow.remove(f);
                    if (ss != null) {
                        ss.close();
                    }
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        return s;
    }

    @Test
    void checkFindsAFamilyThatIsOpenWithoutAKnock() throws Exception {
        ServerSocket exposed = new ServerSocket(0, 5, LO4); // IPv4 left open on purpose
        cleanup.add(exposed);
        int port = exposed.getLocalPort();
        server = firewallSimulatingServer(port, Set.of(Family.IPV6));
        int control = server.start(LO6, true, false);
        server.alsoTcp(LO4);
        Resolver dual = TestSupport.resolver(Map.of("dual.test", List.of(LO4, LO6)));
        Result r = TestSupport.run(cfg(control, port), dual, new byte[0], "check", "dual.test", String.valueOf(port));
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).containsPattern("IPv6 +::1 +closed \\(refused\\) +ok +open +ok +OK");
        assertThat(r.out()).containsPattern("IPv4 +127.0.0.1 +open +ok +open +ok +EXPOSED");
        assertThat(r.out()).contains("EXPOSED - the port is reachable WITHOUT a knock over IPv4");
        assertThat(server.knocks()).isEqualTo(2);
        assertThat(server.revokes()).isEqualTo(2);
    }

    @Test
    void checkPassesWhenBothFamiliesAreGuarded() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, LO6)) {
            port = probe.getLocalPort();
        }
        server = firewallSimulatingServer(port, Set.of(Family.IPV4, Family.IPV6));
        int control = server.start(LO6, true, false);
        server.alsoTcp(LO4);
        Resolver dual = TestSupport.resolver(Map.of("dual.test", List.of(LO4, LO6)));
        Result r = TestSupport.run(cfg(control, port), dual, new byte[0], "check", "dual.test", String.valueOf(port));
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).containsPattern("IPv6 .* OK\n").containsPattern("IPv4 .* OK\n").contains(": OK - ");
    }

    @Test
    void checkReportsFamiliesThatDisagree() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, LO6)) {
            port = probe.getLocalPort();
        }
        server = firewallSimulatingServer(port, Set.of(Family.IPV4)); // IPv6 knock "works" but opens nothing
        int control = server.start(LO6, true, false);
        server.alsoTcp(LO4);
        Resolver dual = TestSupport.resolver(Map.of("dual.test", List.of(LO4, LO6)));
        Result r = TestSupport.run(cfg(control, port), dual, new byte[0], "check", "dual.test", String.valueOf(port));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("STILL CLOSED").contains("INCONSISTENT - the address families disagree");
    }

    /** Runs the CLI with a given stdin stream (for a stdin that never ends). */
    private static final class ByteArrayStdinRun {
        Result run(ClientConfig c, InputStream stdin, String... args) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            letmein.client.ConfigSource src = new letmein.client.ConfigSource() {
                @Override
                public ClientConfig load(java.nio.file.Path file) {
                    return c;
                }

                @Override
                public List<String> permissionWarnings(java.nio.file.Path file) {
                    return List.of();
                }
            };
            var env = new letmein.client.Environment(stdin, new java.io.PrintStream(out, false),
                    new java.io.PrintStream(err, true), TestSupport.resolver(Map.of()), src, () -> TestSupport.CONF,
                    new letmein.proto.auth.SecureRandomness(), letmein.client.net.Ticker.system(),
                    letmein.client.net.RetryPolicy.DEFAULT);
            int code = letmein.client.Main.run(args, env);
            env.stdout().flush();
            return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        }
    }
}
