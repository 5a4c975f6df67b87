package letmein.proto.fwd;

/** An IPC frame that is not a valid 60-byte letmeinfwd message. */
public final class FwdProtocolException extends Exception {
    public FwdProtocolException(String message) {
        super(message);
    }
}
