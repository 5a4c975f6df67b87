package letmein.proto.session;

import java.util.Locale;

/**
 * Why a session ended, in a small fixed set of classes: the {@code reason=} text of a log line is for a
 * human, the class is for machines (the {@code class=} and {@code fault=} log fields that fail2ban's filter
 * keys on, the {@code reason} label of the knock counter). Adding a class is a change of both interfaces:
 * docs/man/letmeind.8.md lists them.
 */
public enum ReasonClass {
    /** The knock or revoke succeeded. */
    OK(Fault.NONE),
    /** A TCP connection closed before any message: a port scan or a health check, not an attack on a key. */
    CLOSED(Fault.NONE),
    /** Bytes that are not a message, an unexpected operation, ids that change mid-exchange, a lost peer. */
    PROTOCOL(Fault.CLIENT),
    /** The peer did not send its next message within control-timeout. */
    TIMEOUT(Fault.CLIENT),
    /** The user id is not in [KEYS]. */
    UNKNOWN_USER(Fault.CLIENT),
    /** A message authentication code did not verify: the wrong key, or a forged message. */
    AUTH(Fault.CLIENT),
    /** A RESPONSE that was already used once (a captured exchange played again). */
    REPLAY(Fault.CLIENT),
    /** The resource id is not in [RESOURCES]. */
    UNKNOWN_RESOURCE(Fault.CLIENT),
    /** The resource's users: list does not name the user. */
    FORBIDDEN(Fault.CLIENT),
    /** The server's configuration cannot serve the request (a resource on port 0 or the control port). */
    CONFIG(Fault.SERVER),
    /** letmeinfwd refused, failed, timed out or could not be reached. */
    FIREWALL(Fault.SERVER),
    /** letmeind itself gave up on the session: shutting down, a full receive queue, a socket error. */
    INTERNAL(Fault.SERVER);

    /** Whose doing a failure is: the peer's (ban-worthy when repeated), the server's (an admin must act), or nobody's. */
    public enum Fault {
        NONE, CLIENT, SERVER;

        /** The log and label spelling: {@code none}, {@code client}, {@code server}. */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Fault fault;

    ReasonClass(Fault fault) {
        this.fault = fault;
    }

    public Fault fault() {
        return fault;
    }

    /** The log and label spelling, e.g. {@code unknown_user}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The knock counter's {@code result} label: {@code ok}; {@code failed} when the peer did not get in by
     * its own doing or sent nothing; {@code error} when the server is at fault.
     */
    public String result() {
        if (this == OK) {
            return "ok";
        }
        return fault == Fault.SERVER ? "error" : "failed";
    }
}
