package letmein.client.cli;

import java.io.PrintStream;
import letmein.client.net.Progress;

/**
 * The console side of {@link Progress}: progress lines (only with {@code --verbose}) and warnings,
 * always on stderr, so that {@code letmein connect} keeps stdout for the relayed bytes only.
 */
public final class Diagnostics implements Progress {
    private final PrintStream err;
    private final boolean verbose;

    public Diagnostics(PrintStream err, boolean verbose) {
        this.err = err;
        this.verbose = verbose;
    }

    /** A progress line, shown with {@code --verbose} only. */
    @Override
    public void progress(String line) {
        if (verbose) {
            err.println(line);
            err.flush();
        }
    }

    /** A warning: something went wrong that does not change the exit code. */
    @Override
    public void warn(String line) {
        err.println("Warning: " + line);
        err.flush();
    }

    public boolean verbose() {
        return verbose;
    }
}
