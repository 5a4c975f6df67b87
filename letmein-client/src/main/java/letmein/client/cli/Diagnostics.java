package letmein.client.net;

import java.io.PrintStream;

/**
 * Where the client's progress lines and warnings go: always stderr, so that {@code letmein connect}
 * keeps stdout for the relayed bytes only.
 */
public final class Diagnostics {
    private final PrintStream err;
    private final boolean verbose;

    public Diagnostics(PrintStream err, boolean verbose) {
        this.err = err;
        this.verbose = verbose;
    }

    /** A progress line, shown with {@code --verbose} only. */
    public void progress(String line) {
        if (verbose) {
            err.println(line);
            err.flush();
        }
    }

    /** A warning: something went wrong that does not change the exit code. */
    public void warn(String line) {
        err.println("Warning: " + line);
        err.flush();
    }

    public boolean verbose() {
        return verbose;
    }
}
