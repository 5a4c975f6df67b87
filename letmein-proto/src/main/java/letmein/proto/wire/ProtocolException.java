package letmein.proto.wire;

/**
 * A control-protocol frame that cannot be decoded (wrong size, magic, or operation).
 * Checked so that every caller decides explicitly what a bad frame means (usually: silence).
 */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        // no stack trace: bad input from the network is expected and frequent (a flood of junk datagrams),
        // the message says what was wrong, and filling in a trace made each rejection ~30x a valid decode
        super(message, null, false, false);
    }
}
