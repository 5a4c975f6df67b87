package letmein.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Socket activation: reads {@code LISTEN_PID}/{@code LISTEN_FDS} and classifies the passed file
 * descriptors (from fd 3) by looking their socket inode up in {@code /proc/net/{tcp,tcp6,udp,udp6}}.
 * At most one listening TCP socket and one UDP socket are accepted; anything else is a clear error,
 * as upstream.
 */
public final class SystemdSockets {
    private static final int FIRST_FD = 3;
    private static final long O_NONBLOCK = 04000;

    private final Path proc;

    /** @param proc normally {@code /proc} */
    public SystemdSockets(Path proc) {
        this.proc = proc;
    }

    /**
     * The passed sockets, or empty when this process was not socket-activated (no LISTEN_FDS, or
     * LISTEN_PID names another process).
     */
    public Optional<Listen.Inherited> fromEnvironment(Map<String, String> env, long pid) throws StartupException {
        String listenPid = env.get("LISTEN_PID");
        String listenFds = env.get("LISTEN_FDS");
        if (listenPid == null || listenFds == null) {
            return Optional.empty();
        }
        long forPid;
        int count;
        try {
            forPid = Long.parseLong(listenPid.trim());
            count = Integer.parseInt(listenFds.trim());
        } catch (NumberFormatException e) {
            throw new StartupException("Received an unusable socket from systemd: LISTEN_PID='" + listenPid
                    + "' LISTEN_FDS='" + listenFds + "' are not numbers");
        }
        if (forPid != pid) {
            return Optional.empty();
        }
        if (count < 0 || count > 64) {
            throw new StartupException("Received an unusable socket from systemd: LISTEN_FDS=" + count);
        }
        if (count == 0) {
            return Optional.empty();
        }
        OptionalInt tcp = OptionalInt.empty();
        OptionalInt udp = OptionalInt.empty();
        for (int fd = FIRST_FD; fd < FIRST_FD + count; fd++) {
            String kind = classify(fd);
            if ((kind.equals("tcp") || kind.equals("udp")) && !nonBlocking(fd)) {
                throw new StartupException("Received an unusable socket from systemd: fd " + fd + " (" + kind
                        + ") is in blocking mode; letmeind's event loop needs non-blocking sockets: set "
                        + "NonBlocking=yes in letmeind.service (see systemd.service(5))");
            }
            if (kind.equals("tcp")) {
                if (tcp.isPresent()) {
                    throw new StartupException("Received an unusable socket from systemd: more than one TCP socket "
                            + "(fds " + tcp.getAsInt() + " and " + fd + ")");
                }
                tcp = OptionalInt.of(fd);
            } else if (kind.equals("udp")) {
                if (udp.isPresent()) {
                    throw new StartupException("Received an unusable socket from systemd: more than one UDP socket "
                            + "(fds " + udp.getAsInt() + " and " + fd + ")");
                }
                udp = OptionalInt.of(fd);
            } else {
                throw new StartupException("Received an unusable socket from systemd: fd " + fd + " is " + kind
                        + " (expected a listening TCP or a UDP socket, AF_INET/AF_INET6)");
            }
        }
        return Optional.of(new Listen.Inherited(tcp, udp));
    }

    /**
     * True if the open file description has O_NONBLOCK (from {@code /proc/self/fdinfo}). The JVM cannot
     * change it, and Netty's native transport assumes it; systemd sets it with {@code NonBlocking=yes}.
     */
    boolean nonBlocking(int fd) throws StartupException {
        try {
            for (String line : Files.readAllLines(proc.resolve("self/fdinfo/" + fd))) {
                if (line.startsWith("flags:")) {
                    return (Long.parseLong(line.substring("flags:".length()).trim(), 8) & O_NONBLOCK) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new StartupException("cannot read the flags of fd " + fd + " from /proc: " + e.getMessage(), e);
        }
        throw new StartupException("cannot read the flags of fd " + fd + " from /proc: no flags line");
    }

    /** "tcp" (listening), "udp", or a description of what else the fd is. */
    String classify(int fd) throws StartupException {
        String target;
        try {
            target = Files.readSymbolicLink(proc.resolve("self/fd/" + fd)).toString();
        } catch (IOException e) {
            throw new StartupException("Received an unusable socket from systemd: fd " + fd + " is not open: " + e);
        }
        if (!target.startsWith("socket:[") || !target.endsWith("]")) {
            return "not a socket (" + target + ")";
        }
        String inode = target.substring("socket:[".length(), target.length() - 1);
        for (String table : List.of("tcp", "tcp6")) {
            Optional<String> state = stateOf(table, inode);
            if (state.isPresent()) {
                return state.get().equals("0A") ? "tcp" : "a TCP socket that is not listening";
            }
        }
        for (String table : List.of("udp", "udp6")) {
            if (stateOf(table, inode).isPresent()) {
                return "udp";
            }
        }
        return "a socket of another type (not TCP/UDP over IPv4/IPv6)";
    }

    private Optional<String> stateOf(String table, String inode) throws StartupException {
        List<String> lines;
        try {
            lines = Files.readAllLines(proc.resolve("self/net/" + table));
        } catch (IOException e) {
            return Optional.empty();
        }
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
            if (f.length > 9 && f[9].equals(inode)) {
                return Optional.of(f[3]);
            }
        }
        return Optional.empty();
    }

}
