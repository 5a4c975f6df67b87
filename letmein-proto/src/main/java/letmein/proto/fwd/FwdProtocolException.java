package letmein.proto.fwd;

/** An IPC frame that is not a valid 60-byte letmeinfwd message. */
public final class FwdProtocolException extends Exception {
    public FwdProtocolException(String message) {
        // no stack trace: the message says what was wrong with the frame, and where it was read is always
        // the same (FwdCodec.decode); a trace would only cost time on letmeinfwd's request path
        super(message, null, false, false);
    }
}
