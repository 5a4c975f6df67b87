package letmein.fwd.server;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * systemd socket activation ({@code LISTEN_PID}/{@code LISTEN_FDS}: one AF_UNIX listener) and readiness
 * notification ({@code READY=1} to {@code NOTIFY_SOCKET}).
 *
 * <p>The JDK cannot wrap an arbitrary fd, only the one on stdin ({@link System#inheritedChannel()}), so
 * bin/letmeinfwd moves systemd's fd 3 to fd 0 before it execs the JVM (or the unit says
 * {@code StandardInput=socket}). JDK 17 has no AF_UNIX datagram socket, so READY=1 is sent by
 * {@code systemd-notify --ready}, which needs {@code NotifyAccess=all} in the unit.
 */
public final class Systemd {
    private Systemd() {
    }

    /** True if systemd passed exactly one socket to this process; false if it passed none. */
    public static boolean socketActivated(Map<String, String> env, long pid) throws IOException {
        String fds = env.get("LISTEN_FDS");
        String lpid = env.get("LISTEN_PID");
        if (fds == null || lpid == null || !lpid.trim().equals(Long.toString(pid))) {
            return false;
        }
        int n;
        try {
            n = Integer.parseInt(fds.trim());
        } catch (NumberFormatException e) {
            throw new IOException("LISTEN_FDS is not a number: '" + fds + "'");
        }
        if (n == 0) {
            return false;
        }
        if (n != 1) {
            throw new IOException("systemd passed " + n + " sockets; letmeinfwd takes exactly one AF_UNIX stream socket");
        }
        return true;
    }

    /** The listening AF_UNIX socket systemd passed, which must be on stdin by now. */
    public static ServerSocketChannel inheritedListener() throws IOException {
        Channel ch = System.inheritedChannel();
        if (ch instanceof ServerSocketChannel s && s.getLocalAddress() instanceof UnixDomainSocketAddress) {
            return s;
        }
        if (ch != null) {
            ch.close();
        }
        throw new IOException("systemd passed a socket, but stdin is not a listening AF_UNIX stream socket ("
                + (ch == null ? "not a socket" : ch.getClass().getSimpleName()) + "): start letmeinfwd through "
                + "bin/letmeinfwd, which moves fd 3 to stdin, or set StandardInput=socket in the unit; the socket "
                + "unit needs ListenStream=<path>");
    }

    /** Runs {@code systemd-notify --ready} if NOTIFY_SOCKET is set; a failure is returned as a message, never fatal. */
    public static String notifyReady(Map<String, String> env) {
        String path = env.get("NOTIFY_SOCKET");
        if (path == null || path.isEmpty()) {
            return "no NOTIFY_SOCKET";
        }
        List<String> cmd = List.of("systemd-notify", "--ready");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out;
            try (var in = p.getInputStream()) {
                out = in.readNBytes(1024);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "sending READY=1 to " + path + " failed: systemd-notify did not finish within 10 s";
            }
            if (p.exitValue() != 0) {
                return "sending READY=1 to " + path + " failed: systemd-notify exit " + p.exitValue() + ": "
                        + new String(out, java.nio.charset.StandardCharsets.UTF_8).trim();
            }
            return "READY=1 sent to " + path + " (systemd-notify; the unit needs NotifyAccess=all)";
        } catch (IOException e) {
            return "sending READY=1 to " + path + " failed: cannot run systemd-notify: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "sending READY=1 to " + path + " interrupted";
        }
    }
}
