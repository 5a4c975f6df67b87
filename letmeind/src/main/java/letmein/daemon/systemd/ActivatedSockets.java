package letmein.daemon.systemd;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import letmein.daemon.transport.Listen;
import letmein.proto.daemon.SocketActivation;
import letmein.proto.daemon.StartupException;

/**
 * letmeind's rule for the sockets systemd passes (read by {@link SocketActivation}): at most one
 * listening TCP socket and one UDP socket, both non-blocking (Netty's event loop needs it, and the JVM
 * cannot change it); anything else is a clear error, as upstream.
 */
public final class ActivatedSockets {
    private final SocketActivation activation;

    /** @param proc normally {@code /proc} */
    public ActivatedSockets(Path proc) {
        this.activation = new SocketActivation(proc);
    }

    /** The passed sockets, or empty when letmeind was not socket-activated. */
    public Optional<Listen.Inherited> fromEnvironment(Map<String, String> env, long pid) throws StartupException {
        OptionalInt tcp = OptionalInt.empty();
        OptionalInt udp = OptionalInt.empty();
        boolean any = false;
        for (SocketActivation.Passed p : activation.fromEnvironment(env, pid)) {
            any = true;
            switch (p.kind()) {
                case TCP_LISTENER -> {
                    requireNonBlocking(p);
                    if (tcp.isPresent()) {
                        throw new StartupException("Received an unusable socket from systemd: more than one TCP socket "
                                + "(fds " + tcp.getAsInt() + " and " + p.fd() + ")");
                    }
                    tcp = OptionalInt.of(p.fd());
                }
                case UDP -> {
                    requireNonBlocking(p);
                    if (udp.isPresent()) {
                        throw new StartupException("Received an unusable socket from systemd: more than one UDP socket "
                                + "(fds " + udp.getAsInt() + " and " + p.fd() + ")");
                    }
                    udp = OptionalInt.of(p.fd());
                }
                default -> throw new StartupException("Received an unusable socket from systemd: fd " + p.fd() + " is "
                        + p.description() + " (expected a listening TCP or a UDP socket, AF_INET/AF_INET6)");
            }
        }
        return any ? Optional.of(new Listen.Inherited(tcp, udp)) : Optional.empty();
    }

    private void requireNonBlocking(SocketActivation.Passed p) throws StartupException {
        if (!activation.nonBlocking(p.fd())) {
            String kind = p.kind() == SocketActivation.Kind.UDP ? "udp" : "tcp";
            throw new StartupException("Received an unusable socket from systemd: fd " + p.fd() + " (" + kind
                    + ") is in blocking mode; letmeind's event loop needs non-blocking sockets: set "
                    + "NonBlocking=yes in letmeind.service (see systemd.service(5))");
        }
    }
}
