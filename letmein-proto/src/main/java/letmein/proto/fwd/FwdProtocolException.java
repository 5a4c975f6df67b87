package letmein.proto.fwd;

/** An IPC frame that is not a valid 60-byte letmeinfwd message. */
public final class FwdProtocolException extends Exception {
    public FwdProtocolException(String message) {
        // no stack trace: a malformed frame is answered with NACK and logged with this message, which says
        // what was wrong; a trace would add nothing to that line
        super(message, null, false, false);
    }
}
