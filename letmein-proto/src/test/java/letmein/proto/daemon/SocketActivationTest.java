package letmein.proto.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LISTEN_* parsing, and the classification of real sockets through /proc (the inode lookup works for
 * any fd, so the test classifies sockets it opened itself; their fd numbers come from /proc/self/fd).
 */
class SocketActivationTest {
    private final SocketActivation sd = new SocketActivation(Path.of("/proc"));

    @TempDir
    Path tmp;

    @Test
    void notActivatedWithoutVariablesOrForAnotherPidOrZeroFds() throws Exception {
        assertThat(sd.fromEnvironment(Map.of(), 42)).isEmpty();
        assertThat(sd.fromEnvironment(Map.of("LISTEN_PID", "41", "LISTEN_FDS", "1"), 42)).isEmpty();
        assertThat(sd.fromEnvironment(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "0"), 42)).isEmpty();
        assertThat(SocketActivation.passedCount(Map.of("LISTEN_PID", "42", "LISTEN_FDS", " 2 "), 42)).contains(2);
    }

    @Test
    void garbageVariablesAreAClearError() {
        assertThatThrownBy(() -> sd.fromEnvironment(Map.of("LISTEN_PID", "x", "LISTEN_FDS", "1"), 42))
                .isInstanceOf(StartupException.class).hasMessageContaining("unusable socket from systemd");
        assertThatThrownBy(() -> sd.fromEnvironment(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "-1"), 42))
                .isInstanceOf(StartupException.class).hasMessageContaining("LISTEN_FDS=-1");
        assertThatThrownBy(() -> sd.fromEnvironment(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "65"), 42))
                .isInstanceOf(StartupException.class).hasMessageContaining("LISTEN_FDS=65");
    }

    @Test
    void aPassedFdThatIsNotOpenIsRefused() {
        // fd numbers >= 3 that are not open under surefire are refused with their number
        assertThatThrownBy(() -> sd.fromEnvironment(Map.of("LISTEN_PID", "42", "LISTEN_FDS", "64"), 42))
                .isInstanceOf(StartupException.class).hasMessageContaining("is not open");
    }

    @Test
    void classifiesRealSockets() throws Exception {
        try (ServerSocketChannel tcp = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                DatagramChannel udp = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                        .bind(UnixDomainSocketAddress.of(tmp.resolve("s.sock")));
                SocketChannel connected = SocketChannel.open(tcp.getLocalAddress())) {
            assertThat(kindOf(socketInodeOf(tcp))).isEqualTo(SocketActivation.Kind.TCP_LISTENER);
            assertThat(kindOf(socketInodeOf(udp))).isEqualTo(SocketActivation.Kind.UDP);
            assertThat(kindOf(socketInodeOf(unix))).isEqualTo(SocketActivation.Kind.UNIX_LISTENER);
            assertThat(kindOf(socketInodeOf(connected))).isEqualTo(SocketActivation.Kind.OTHER);
        }
    }

    @Test
    void aFileIsNotASocket() throws Exception {
        Path f = Files.writeString(tmp.resolve("plain"), "x");
        try (var ch = Files.newByteChannel(f)) {
            int fd = fdPointingTo(f.toString());
            SocketActivation.Passed p = sd.classify(fd);
            assertThat(p.kind()).isEqualTo(SocketActivation.Kind.OTHER);
            assertThat(p.description()).startsWith("not a socket");
        }
    }

    private SocketActivation.Kind kindOf(int fd) throws Exception {
        return sd.classify(fd).kind();
    }

    /** The fd of a channel this test opened, found through its socket inode. */
    private static int socketInodeOf(java.nio.channels.Channel ch) throws Exception {
        // NIO channels expose their fd only through internals; find it through the channel's local port or path
        String wanted = null;
        if (ch instanceof ServerSocketChannel s && s.getLocalAddress() instanceof InetSocketAddress a) {
            wanted = inodeFor("tcp", a.getPort(), true);
        } else if (ch instanceof SocketChannel s && s.getLocalAddress() instanceof InetSocketAddress a) {
            wanted = inodeFor("tcp", a.getPort(), true);
        } else if (ch instanceof DatagramChannel d && d.getLocalAddress() instanceof InetSocketAddress a) {
            wanted = inodeFor("udp", a.getPort(), true);
        } else if (ch instanceof ServerSocketChannel s && s.getLocalAddress() instanceof UnixDomainSocketAddress u) {
            for (String line : Files.readAllLines(Path.of("/proc/self/net/unix"))) {
                if (line.endsWith(" " + u.getPath().toString())) {
                    wanted = line.trim().split("\\s+")[6];
                }
            }
        }
        if (wanted == null) {
            throw new AssertionError("no /proc entry for " + ch);
        }
        return fdPointingTo("socket:[" + wanted + "]");
    }

    private static String inodeFor(String table, int port, boolean local) throws Exception {
        String hexPort = String.format(":%04X", port);
        for (String t : new String[] {table, table + "6"}) {
            for (String line : Files.readAllLines(Path.of("/proc/self/net/" + t))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[local ? 1 : 2].endsWith(hexPort)) {
                    return f[9];
                }
            }
        }
        return null;
    }

    private static int fdPointingTo(String target) throws Exception {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    if (Files.readSymbolicLink(p).toString().equals(target)) {
                        return Integer.parseInt(p.getFileName().toString());
                    }
                } catch (java.io.IOException e) {
                    // the fd of the listing itself may be gone already
                }
            }
        }
        throw new AssertionError("no fd points to " + target);
    }
}
