package letmein.proto.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * systemd socket activation for both daemons: reads {@code LISTEN_PID}/{@code LISTEN_FDS} and tells
 * what each passed file descriptor is by looking its socket inode up in {@code /proc/self/net/*}.
 * letmeind takes one listening TCP and one UDP socket (from fd 3), letmeinfwd one listening AF_UNIX
 * stream socket; each daemon states which kinds it accepts, and anything else is a clear error.
 * {@code /proc/self/net} lists only the sockets of the process's own network namespace, so a socket
 * made in another namespace and passed in classifies as {@link Kind#OTHER}; a daemon that can check a
 * socket another way (letmeinfwd: {@code System.inheritedChannel()}) should do that first.
 */
public final class SocketActivation {
    /** The first file descriptor systemd passes. */
    public static final int FIRST_FD = 3;
    private static final long O_NONBLOCK = 04000;
    /** {@code __SO_ACCEPTCON} in {@code /proc/net/unix}'s Flags column: a listening socket. */
    private static final long UNIX_ACCEPTCON = 0x10000;

    /** What a passed file descriptor is. */
    public enum Kind {
        /** A listening TCP socket, IPv4 or IPv6. */
        TCP_LISTENER,
        /** A UDP socket, IPv4 or IPv6. */
        UDP,
        /** A listening AF_UNIX stream socket. */
        UNIX_LISTENER,
        /** Anything else; {@link Passed#description()} says what. */
        OTHER
    }

    /**
     * One passed file descriptor.
     *
     * @param description what it is, in words, for error messages
     */
    public record Passed(int fd, Kind kind, String description) {
    }

    private final Path proc;

    /** @param proc normally {@code /proc} */
    public SocketActivation(Path proc) {
        this.proc = proc;
    }

    /**
     * How many sockets systemd passed to this process: empty when it was not socket-activated (no
     * LISTEN_FDS, or LISTEN_PID names another process, or zero sockets).
     */
    public static Optional<Integer> passedCount(Map<String, String> env, long pid) throws StartupException {
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
        return count == 0 ? Optional.empty() : Optional.of(count);
    }

    /** The passed sockets from fd 3 on, classified; empty when not socket-activated. */
    public List<Passed> fromEnvironment(Map<String, String> env, long pid) throws StartupException {
        Optional<Integer> count = passedCount(env, pid);
        List<Passed> out = new ArrayList<>();
        if (count.isPresent()) {
            for (int fd = FIRST_FD; fd < FIRST_FD + count.get(); fd++) {
                out.add(classify(fd));
            }
        }
        return out;
    }

    /** What {@code fd} of this process is. */
    public Passed classify(int fd) throws StartupException {
        String target;
        try {
            target = Files.readSymbolicLink(proc.resolve("self/fd/" + fd)).toString();
        } catch (IOException e) {
            throw new StartupException("Received an unusable socket from systemd: fd " + fd + " is not open: " + e);
        }
        if (!target.startsWith("socket:[") || !target.endsWith("]")) {
            return new Passed(fd, Kind.OTHER, "not a socket (" + target + ")");
        }
        String inode = target.substring("socket:[".length(), target.length() - 1);
        for (String table : List.of("tcp", "tcp6")) {
            Optional<String[]> row = row(table, inode, 9);
            if (row.isPresent()) {
                // columns: sl local rem st ...; state 0A is LISTEN
                return row.get()[3].equals("0A") ? new Passed(fd, Kind.TCP_LISTENER, "a listening TCP socket")
                        : new Passed(fd, Kind.OTHER, "a TCP socket that is not listening");
            }
        }
        for (String table : List.of("udp", "udp6")) {
            if (row(table, inode, 9).isPresent()) {
                return new Passed(fd, Kind.UDP, "a UDP socket");
            }
        }
        Optional<String[]> unix = row("unix", inode, 6);
        if (unix.isPresent()) {
            // columns: Num RefCount Protocol Flags Type St Inode [Path]; Type 0001 is SOCK_STREAM
            String[] f = unix.get();
            boolean listening = (parseHex(f[3]) & UNIX_ACCEPTCON) != 0;
            boolean stream = parseHex(f[4]) == 1;
            return stream && listening ? new Passed(fd, Kind.UNIX_LISTENER, "a listening AF_UNIX stream socket")
                    : new Passed(fd, Kind.OTHER, "an AF_UNIX socket that is not a listening stream socket");
        }
        return new Passed(fd, Kind.OTHER, "a socket of another type (not TCP/UDP over IPv4/IPv6, not AF_UNIX)");
    }

    /**
     * True if the open file description has O_NONBLOCK (from {@code /proc/self/fdinfo}). The JVM cannot
     * change it, and an event loop needs it; systemd sets it with {@code NonBlocking=yes}.
     */
    public boolean nonBlocking(int fd) throws StartupException {
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

    private Optional<String[]> row(String table, String inode, int inodeColumn) {
        List<String> lines;
        try {
            lines = Files.readAllLines(proc.resolve("self/net/" + table));
        } catch (IOException e) {
            return Optional.empty();
        }
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length > inodeColumn && f[inodeColumn].equals(inode)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    private static long parseHex(String s) {
        try {
            return Long.parseLong(s, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
