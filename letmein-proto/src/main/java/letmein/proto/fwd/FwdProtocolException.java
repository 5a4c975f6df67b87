package letmein.proto.fwd;

/** An IPC frame that is not a valid 60-byte letmeinfwd message. */
public final class FwdProtocolException extends Exception {
    public FwdProtocolException(String message) {
        // no stack trace: bad input from the network is expected and frequent (a flood of junk datagrams),
        // the message says what was wrong, and filling in a trace made each rejection ~30x a valid decode
        super(message, null, false, false);
    }
}
