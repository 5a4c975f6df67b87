package letmein.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.config.ServerConfig;
import letmein.daemon.policy.*;
import letmein.daemon.systemd.*;
import letmein.daemon.transport.*;
import letmein.proto.daemon.*;
import letmein.proto.session.*;

/** An in-process letmeind on ephemeral ports of {@code [::]}, a temp rundir and the letmeinfwd stand-in. */
final class Harness implements AutoCloseable {
    final Path rundir;
    final FwdStandIn fwd;
    final ControlServer server;
    final List<String> log = new CopyOnWriteArrayList<>();
    static final InetAddress V4;
    static final InetAddress V6;

    static {
        try {
            V4 = InetAddress.getByName("127.0.0.1");
            V6 = InetAddress.getByName("::1");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    Harness(ServerConfig cfg, int maxSessions, int maxPerSource, Duration fwdTimeout) throws Exception {
        rundir = Files.createTempDirectory("lmd-it-");
        fwd = new FwdStandIn(rundir);
        server = new ControlServer(cfg, new DaemonOptions(rundir, maxSessions, maxPerSource, fwdTimeout), Harness.recording(log),
                new SecureRandomness());
        try {
            server.start(new Listen.Bind(InetAddress.getByName("::"), 0, 0));
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** A log that keeps each line's text (the level word the daemon writes before it is left out). */
    static DaemonLog recording(List<String> lines) {
        return new DaemonLog() {
            @Override
            public void info(String line) {
                lines.add(line);
            }

            @Override
            public void warn(String line) {
                lines.add(line);
            }

            @Override
            public void debug(java.util.function.Supplier<String> line) {
                lines.add(line.get());
            }

            @Override
            public boolean debugEnabled() {
                return true;
            }
        };
    }

    Harness(ServerConfig cfg) throws Exception {
        this(cfg, 64, 8, Duration.ofSeconds(2));
    }

    int tcpPort() {
        return server.tcpAddress().orElseThrow().getPort();
    }

    int udpPort() {
        return server.udpAddress().orElseThrow().getPort();
    }

    TestClient.Tcp tcp(InetAddress to) throws IOException {
        return new TestClient.Tcp(to, tcpPort(), null, 3000);
    }

    TestClient.Udp udp(InetAddress to, int timeoutMs) throws IOException {
        return new TestClient.Udp(to, udpPort(), timeoutMs);
    }

    /** Waits until the server has no live sessions (they end asynchronously after the last reply). */
    void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (server.sessions() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        fwd.close();
        try (Stream<Path> s = Files.walk(rundir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** A daemon log line's text: the {@code INFO}, {@code WARN} or {@code DEBUG} word before it removed. */
    static String withoutLevel(String line) {
        for (String level : new String[] {"INFO ", "WARN ", "DEBUG "}) {
            if (line.startsWith(level)) {
                return line.substring(level.length());
            }
        }
        return line;
    }
}
