package letmein.fwd.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.unix.DomainSocketAddress;

/**
 * systemd socket activation ({@code LISTEN_PID}/{@code LISTEN_FDS}: one AF_UNIX listener at fd 3) and
 * readiness notification ({@code READY=1} to {@code NOTIFY_SOCKET}).
 */
public final class Systemd {
    private static final int FIRST_FD = 3;

    private Systemd() {
    }

    /** fd 3 if systemd passed exactly one socket to this process; empty if it passed none. */
    public static OptionalInt listenFd(Map<String, String> env, long pid) throws IOException {
        String fds = env.get("LISTEN_FDS");
        String lpid = env.get("LISTEN_PID");
        if (fds == null || lpid == null || !lpid.trim().equals(Long.toString(pid))) {
            return OptionalInt.empty();
        }
        int n;
        try {
            n = Integer.parseInt(fds.trim());
        } catch (NumberFormatException e) {
            throw new IOException("LISTEN_FDS is not a number: '" + fds + "'");
        }
        if (n == 0) {
            return OptionalInt.empty();
        }
        if (n != 1) {
            throw new IOException("systemd passed " + n + " sockets; letmeinfwd takes exactly one AF_UNIX stream socket");
        }
        String target;
        try {
            target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + FIRST_FD)).toString();
        } catch (IOException e) {
            throw new IOException("cannot inspect the socket passed by systemd (fd 3): " + e.getMessage(), e);
        }
        if (!target.startsWith("socket:")) {
            throw new IOException("systemd passed fd 3 that is not a socket (" + target + ")");
        }
        return OptionalInt.of(FIRST_FD);
    }

    /** Sends READY=1 if NOTIFY_SOCKET is set; a failure is returned as a message, never fatal. */
    public static String notifyReady(Map<String, String> env, EventLoopGroup group) {
        String path = env.get("NOTIFY_SOCKET");
        if (path == null || path.isEmpty()) {
            return "no NOTIFY_SOCKET";
        }
        String sockPath = path.startsWith("@") ? "\0" + path.substring(1) : path;
        EpollDomainDatagramChannel ch = new EpollDomainDatagramChannel();
        try {
            group.register(ch).syncUninterruptibly();
            ch.connect(new DomainSocketAddress(sockPath)).syncUninterruptibly();
            ch.writeAndFlush(Unpooled.copiedBuffer("READY=1", StandardCharsets.US_ASCII)).syncUninterruptibly();
            return "READY=1 sent to " + path;
        } catch (RuntimeException e) {
            return "sending READY=1 to " + path + " failed: " + e;
        } finally {
            ch.close().syncUninterruptibly();
        }
    }
}
