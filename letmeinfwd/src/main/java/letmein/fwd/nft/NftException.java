package letmein.fwd.nft;

/** nft could not be run, failed, or the ruleset lacks something letmeinfwd needs. */
public final class NftException extends Exception {
    public NftException(String message) {
        super(message);
    }

    public NftException(String message, Throwable cause) {
        super(message, cause);
    }
}
