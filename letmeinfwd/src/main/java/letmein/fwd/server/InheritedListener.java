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
 * fd 3 to fd 0 before it execs the JVM (or the unit says {@code StandardInput=socket}). A wrong socket
 * or none gets an error that says what fd 0 is and how to pass the socket.
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

    /**
     * The listening AF_UNIX socket systemd passed, which must be on stdin by now. The JDK decides first:
     * {@code activation} only describes fd 0 for the error when it is something else. (It looks fd 0 up in
     * {@code /proc/self/net}, which lists only this network namespace's sockets, and a socket passed
     * into another namespace is a valid listener all the same.)
     */
    public static ServerSocketChannel fromStdin(SocketActivation activation) throws StartupException {
        Channel ch;
        try {
            ch = System.inheritedChannel();
            if (ch instanceof ServerSocketChannel s && s.getLocalAddress() instanceof UnixDomainSocketAddress) {
                return s;
            }
        } catch (IOException e) {
            throw new StartupException("cannot take the socket systemd passed from stdin: " + e.getMessage(), e);
        }
        String what = activation.classify(STDIN).description(); // while fd 0 is still open
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // it is not used either way; the error below is what matters
            }
        }
        throw notOnStdin(what);
    }

    private static StartupException notOnStdin(String what) {
        return new StartupException("systemd passed a socket, but stdin is not a listening AF_UNIX stream socket ("
                + what + "): start letmeinfwd through bin/letmeinfwd, which moves fd 3 to stdin, or set "
                + "StandardInput=socket in the unit; the socket unit needs ListenStream=<path>");
    }
}
