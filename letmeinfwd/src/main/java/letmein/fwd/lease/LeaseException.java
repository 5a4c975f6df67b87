package letmein.fwd.lease;

/** A lease request that letmeinfwd refuses before asking nft (e.g. max-nr-rules reached). */
public final class LeaseException extends Exception {
    public LeaseException(String message) {
        super(message);
    }
}
