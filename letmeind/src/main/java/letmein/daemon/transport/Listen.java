package letmein.daemon.transport;

import java.net.InetAddress;
import java.util.Objects;
import java.util.OptionalInt;

/** Where the control sockets come from: bound by letmeind itself, or passed in by systemd. */
public sealed interface Listen {
    /**
     * Bind {@code host} (normally {@code ::}, dual-stack); port 0 means ephemeral (tests). Only the
     * transports the config enables are bound.
     */
    record Bind(InetAddress host, int tcpPort, int udpPort) implements Listen {
        public Bind {
            Objects.requireNonNull(host);
        }
    }

    /** Sockets adopted from systemd socket activation (already bound; TCP already listening). */
    record Inherited(OptionalInt tcpFd, OptionalInt udpFd) implements Listen {
        public Inherited {
            Objects.requireNonNull(tcpFd);
            Objects.requireNonNull(udpFd);
        }
    }
}
