package letmein.proto.daemon;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sd_notify} for both daemons: tells systemd {@code READY=1} once serving and {@code STOPPING=1}
 * at shutdown, when {@code NOTIFY_SOCKET} is set (and {@code --no-systemd} is not). A failure is logged,
 * never fatal. The datagram itself goes through a {@link Transport}, because the JDK (17 to 25) cannot
 * send to an AF_UNIX datagram socket: letmeind sends it with Netty's native transport, which it loads
 * anyway; letmeinfwd, which has no Netty, runs {@code systemd-notify} ({@link NotifyCommand}).
 */
public final class SystemdNotify {
    /** Delivers one notification string to the socket at {@code path} ({@code @name}: abstract namespace). */
    @FunctionalInterface
    public interface Transport {
        void send(String path, String state) throws IOException;
    }

    private final Optional<String> socket;
    private final Transport transport;
    private final DaemonLog log;
    private final String program;

    private SystemdNotify(Optional<String> socket, Transport transport, DaemonLog log, String program) {
        this.socket = socket;
        this.transport = transport;
        this.log = log;
        this.program = program;
    }

    /** Notifies through {@code transport} if {@code NOTIFY_SOCKET} is set and {@code disabled} is false. */
    public static SystemdNotify fromEnvironment(Map<String, String> env, boolean disabled, Transport transport,
            DaemonLog log, String program) {
        Optional<String> s = disabled ? Optional.empty()
                : Optional.ofNullable(env.get("NOTIFY_SOCKET")).filter(p -> !p.isEmpty());
        return new SystemdNotify(s, transport, log, program);
    }

    /** {@code READY=1}: start-up is complete. */
    public boolean ready() {
        return notify("READY=1");
    }

    /** {@code STOPPING=1}: shutting down. */
    public boolean stopping() {
        return notify("STOPPING=1");
    }

    /** Sends one state string; true if it was delivered, false without a socket or on failure (logged). */
    public boolean notify(String state) {
        if (socket.isEmpty()) {
            return false;
        }
        try {
            transport.send(socket.get(), state);
            return true;
        } catch (IOException e) {
            log.warn(program + ": cannot notify systemd (" + state + ") at " + socket.get() + ": " + e.getMessage());
            return false;
        }
    }
}
