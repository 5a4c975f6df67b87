package letmein.daemon;

import static letmein.proto.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import org.junit.jupiter.api.Test;
import letmein.daemon.policy.*;
import letmein.daemon.systemd.*;
import letmein.daemon.transport.*;
import letmein.proto.daemon.*;
import letmein.proto.session.*;

/**
 * Socket activation for real: sockets are passed as fds 3.. with LISTEN_FDS/LISTEN_PID to a JVM running
 * the production adoption path ({@link ActivatedMain}). {@code lmd-activate.py} (test resource) plays
 * systemd with {@code NonBlocking=yes}; {@code systemd-socket-activate} passes blocking sockets, which
 * must be refused with advice instead of hanging the event loop.
 */
class SystemdIT {
    private static final String SYSTEMD_TOOL = "/usr/bin/systemd-socket-activate";

    private static String java() {
        return ProcessHandle.current().info().command().orElseThrow();
    }

    private static List<String> activatedMain(Path rundir, String mode) {
        return List.of(java(), "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                ActivatedMain.class.getName(), rundir.toString(), mode);
    }

    private static Process startPython(List<String> specs, Path rundir, String mode, Path notify) throws Exception {
        Path script = Path.of("target/test-classes/lmd-activate.py").toAbsolutePath();
        assertThat(script).exists();
        List<String> cmd = new ArrayList<>(List.of(pythonExe(), script.toString()));
        cmd.addAll(specs);
        cmd.add("--");
        cmd.addAll(activatedMain(rundir, mode));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (notify != null) {
            pb.environment().put("NOTIFY_SOCKET", notify.toString());
        }
        return pb.start();
    }

    private static String pythonExe() throws Exception {
        for (String p : List.of("/usr/bin/python3", "/usr/local/bin/python3")) {
            if (new File(p).canExecute()) {
                return p;
            }
        }
        Process w = new ProcessBuilder("sh", "-c", "command -v python3").start();
        String found = new String(w.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        w.waitFor();
        assertThat(found).as("python3 is required to play systemd in this test").isNotEmpty();
        return found;
    }

    private static String awaitLine(BufferedReader r, String prefix) throws Exception {
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = r.readLine()) != null) {
            seen.append(line).append('\n');
            if (Harness.withoutLevel(line).startsWith(prefix)) {
                return Harness.withoutLevel(line);
            }
        }
        throw new AssertionError("no line starting with '" + prefix + "'; output was:\n" + seen);
    }

    @Test
    void adoptsTcpAndUdpSocketsServesKnocksAndNotifiesReady() throws Exception {
        Path rundir = Files.createTempDirectory("lmd-sd-");
        Path notify = rundir.resolve("notify.sock");
        LinkedBlockingQueue<String> notes = new LinkedBlockingQueue<>();
        EpollEventLoopGroup g = new EpollEventLoopGroup(1);
        Process p = null;
        try (FwdStandIn fwd = new FwdStandIn(rundir)) {
            Channel receiver = new Bootstrap().group(g).channel(EpollDomainDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket pkt) {
                            notes.add(pkt.content().toString(StandardCharsets.UTF_8));
                        }
                    }).bind(new DomainSocketAddress(notify.toString())).sync().channel();
            p = startPython(List.of("tcp:[::]:0", "udp:[::]:0"), rundir, "both", notify);
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            int tcpPort = Integer.parseInt(awaitLine(out, "BOUND tcp").split(" ")[2]);
            int udpPort = Integer.parseInt(awaitLine(out, "BOUND udp").split(" ")[2]);
            assertThat(awaitLine(out, "STARTED")).contains("notified=true");
            assertThat(notes.poll(5, TimeUnit.SECONDS)).isEqualTo("READY=1");
            try (TestClient.Tcp c = new TestClient.Tcp(InetAddress.getByName("127.0.0.1"), tcpPort, null, 10000)) {
                c.send(TestClient.knock(KEY, USER, PORT42));
                Message ch = c.receive().orElseThrow();
                assertThat(ch.operation()).isEqualTo(Operation.CHALLENGE);
                c.send(TestClient.response(KEY, ch));
                assertThat(c.receive().orElseThrow().operation()).isEqualTo(Operation.COMEIN);
            }
            assertThat(awaitLine(out, "[127.0.0.1]: Resource 87654321 successfully knocked.")).contains("/TCP");
            try (TestClient.Udp u = new TestClient.Udp(InetAddress.getByName("::1"), udpPort, 10000)) {
                u.send(TestClient.knock(KEY, USER, PORT42));
                Message ch = u.receive().orElseThrow();
                u.send(TestClient.response(KEY, ch));
                assertThat(u.receive().orElseThrow().operation()).isEqualTo(Operation.COMEIN);
            }
            assertThat(awaitLine(out, "[::1]: Resource 87654321 successfully knocked.")).contains("/UDP");
            assertThat(fwd.requests()).hasSize(2);
            receiver.close().sync();
        } finally {
            stop(p);
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            deleteTree(rundir);
        }
    }

    @Test
    void aMissingSocketKindIsWarnedAboutAndTheOtherServed() throws Exception {
        Path rundir = Files.createTempDirectory("lmd-sd-");
        Process p = null;
        try {
            p = startPython(List.of("tcp:127.0.0.1:0"), rundir, "both", null);
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(awaitLine(out, "letmeind: the config enables UDP")).contains("ListenDatagram=");
            assertThat(awaitLine(out, "STARTED")).contains("udp=-").doesNotContain("tcp=-");
        } finally {
            stop(p);
            deleteTree(rundir);
        }
    }

    @Test
    void twoTcpSocketsAreRefusedWithAClearError() throws Exception {
        Path rundir = Files.createTempDirectory("lmd-sd-");
        Process p = null;
        try {
            p = startPython(List.of("tcp:127.0.0.1:0", "tcp:[::1]:0"), rundir, "tcp", null);
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(awaitLine(out, "letmeind:")).contains("Received an unusable socket from systemd")
                    .contains("more than one TCP socket");
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(1);
        } finally {
            stop(p);
            deleteTree(rundir);
        }
    }

    @Test
    void blockingSocketsFromSystemdAreRefusedWithAdvice() throws Exception {
        assertThat(new File(SYSTEMD_TOOL)).as(SYSTEMD_TOOL + " is required (Debian package systemd)").exists();
        Path rundir = Files.createTempDirectory("lmd-sd-");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            port = s.getLocalPort();
        }
        Process p = null;
        try {
            List<String> cmd = new ArrayList<>(List.of(SYSTEMD_TOOL, "-l", "[::1]:" + port));
            cmd.addAll(activatedMain(rundir, "tcp"));
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            awaitLine(out, "Listening on");
            // the tool starts the service on the first connection
            try (TestClient.Tcp c = new TestClient.Tcp(InetAddress.getByName("::1"), port, null, 20000)) {
                assertThat(awaitLine(out, "letmeind:")).contains("blocking mode").contains("NonBlocking=yes");
            }
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(1);
        } finally {
            stop(p);
            deleteTree(rundir);
        }
    }

    private static void stop(Process p) throws Exception {
        if (p == null) {
            return;
        }
        p.getOutputStream().close();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        }
    }

}
