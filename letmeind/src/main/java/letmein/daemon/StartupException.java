package letmein.daemon;

/** letmeind cannot start (sockets, pid file, systemd fds); the message says what to fix. */
public final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
