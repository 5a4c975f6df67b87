package letmein.client.cli;

/**
 * A command failed at run time (exit code 1). The message is printed as {@code Error: <message>}
 * and must say what happened and, where possible, what to do.
 */
public final class ClientException extends Exception {
    public ClientException(String message) {
        super(message);
    }
}
