package letmein.proto.wire;

/**
 * A control-protocol frame that cannot be decoded (wrong size, magic, or operation).
 * Checked so that every caller decides explicitly what a bad frame means (usually: silence).
 */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message);
    }
}
