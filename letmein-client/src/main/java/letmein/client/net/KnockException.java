package letmein.client.net;

/**
 * One knock exchange failed. {@link Kind} tells the caller (and the user) what happened in the
 * words an administrator uses; the message names the server address and transport.
 */
public final class KnockException extends Exception {
    /** What went wrong, most specific first. */
    public enum Kind {
        /** The server answered GOAWAY. */
        REJECTED,
        /** A reply that is not a valid answer at this point (bad magic, size, operation). */
        BAD_REPLY,
        /** Nothing listens there (TCP RST / ICMP port unreachable). */
        REFUSED,
        /** No route, network down, address not available. */
        UNREACHABLE,
        /** Silence or a silent close: the stealth policies hide wrong keys and unknown users this way. */
        NO_ANSWER
    }

    /** The explanation printed with every {@link Kind#NO_ANSWER}. */
    public static final String STEALTH_HINT = "no answer: wrong key, unknown user, or server unreachable";

    private final Kind kind;

    public KnockException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
