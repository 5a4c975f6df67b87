package letmein.proto.daemon;

/** A wrong command line: the programs print it with their usage text and exit with status 2. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
