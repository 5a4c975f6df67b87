package letmein.fwd.server;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.util.Map;
import java.util.Optional;

import letmein.proto.daemon.SocketActivation;
import letmein.proto.daemon.StartupException;

/**
 * The one listening AF_UNIX socket systemd passes to letmeinfwd (socket activation). The JDK can adopt an
 * inherited socket only on stdin ({@link System#inheritedChannel()}), so bin/letmeinfwd moves systemd's
 * fd 3 to fd 0 before it execs the JVM (or the unit says {@code StandardInput=socket}); fd 0 is checked
 * first, so a wrong socket or none gets an error that says how to pass it.
 */
public final class InheritedListener {
    private static final int STDIN = 0;

    private InheritedListener() {
    }

    /** True if systemd passed exactly one socket to this process; false if it passed none. */
    public static boolean activated(Map<String, String> env, long pid) throws StartupException {
        Optional<Integer> count = SocketActivation.passedCount(env, pid);
        if (count.isEmpty()) {
            return false;
        }
        if (count.get() != 1) {
            throw new StartupException("systemd passed " + count.get()
                    + " sockets; letmeinfwd takes exactly one AF_UNIX stream socket");
        }
        return true;
    }

    /** The listening AF_UNIX socket systemd passed, which must be on stdin by now. */
    public static ServerSocketChannel fromStdin(SocketActivation activation) throws StartupException {
        SocketActivation.Passed stdin = activation.classify(STDIN);
        if (stdin.kind() != SocketActivation.Kind.UNIX_LISTENER) {
            throw notOnStdin(stdin.description());
        }
        Channel ch;
        try {
            ch = System.inheritedChannel();
            if (ch instanceof ServerSocketChannel s && s.getLocalAddress() instanceof UnixDomainSocketAddress) {
                return s;
            }
            if (ch != null) {
                ch.close();
            }
        } catch (IOException e) {
            throw new StartupException("cannot take the socket systemd passed from stdin: " + e.getMessage(), e);
        }
        throw notOnStdin(ch == null ? "not a socket" : ch.getClass().getSimpleName());
    }

    private static StartupException notOnStdin(String what) {
        return new StartupException("systemd passed a socket, but stdin is not a listening AF_UNIX stream socket ("
                + what + "): start letmeinfwd through bin/letmeinfwd, which moves fd 3 to stdin, or set "
                + "StandardInput=socket in the unit; the socket unit needs ListenStream=<path>");
    }
}
