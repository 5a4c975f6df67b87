package letmein.proto.config;

/**
 * The control port of {@code [GENERAL] port}: a number and which transports listen on it.
 * At least one of {@code tcp}/{@code udp} is true. Default 5800/TCP.
 */
public record ControlPort(int port, boolean tcp, boolean udp) {
    public static final ControlPort DEFAULT = new ControlPort(5800, true, false);

    public ControlPort {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("control port out of range: " + port);
        }
        if (!tcp && !udp) {
            throw new IllegalArgumentException("control port needs tcp or udp");
        }
    }

    @Override
    public String toString() {
        return port + "/" + (tcp && udp ? "tcp,udp" : tcp ? "tcp" : "udp");
    }
}
