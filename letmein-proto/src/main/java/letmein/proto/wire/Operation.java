package letmein.proto.wire;

/**
 * The six operations of the control protocol, with their on-wire codes.
 * Kept as an enum because the set is closed by the wire format itself.
 */
public enum Operation {
    KNOCK(0),
    CHALLENGE(1),
    RESPONSE(2),
    COMEIN(3),
    GOAWAY(4),
    REVOKE(5);

    private final int code;

    Operation(int code) {
        this.code = code;
    }

    /** The 32-bit on-wire value. */
    public int code() {
        return code;
    }

    /** Maps an on-wire value back, or fails with a {@link ProtocolException} naming the value. */
    public static Operation fromCode(int code) throws ProtocolException {
        for (Operation op : values()) {
            if (op.code == code) {
                return op;
            }
        }
        throw new ProtocolException("Invalid Message/Operation value: " + Integer.toUnsignedString(code));
    }

    /** KNOCK and REVOKE open a session; everything else may not come first. */
    public boolean opensSession() {
        return this == KNOCK || this == REVOKE;
    }
}
