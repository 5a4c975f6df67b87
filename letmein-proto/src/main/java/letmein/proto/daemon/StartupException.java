package letmein.proto.daemon;

/**
 * A daemon cannot start (sockets, pid file, run directory, systemd file descriptors, firewall set-up);
 * the message says what to fix. Both daemons print it and exit 1.
 */
public final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
