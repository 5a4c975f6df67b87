package letmein.fwd;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Administrator log: one line per decision, key=value where it helps grep. Lines go to stdout (the
 * journal under systemd); an interface so tests can read what was logged.
 */
public interface Log {
    void info(String line);

    void warn(String line);

    /** Logged only with {@code [GENERAL] debug = true}; the text is built only then. */
    void debug(Supplier<String> line);

    boolean debugEnabled();

    /** Writes {@code LEVEL line} to a stream; thread-safe (println is synchronized). */
    static Log to(PrintStream out, boolean debug) {
        return new Log() {
            @Override
            public void info(String line) {
                out.println("INFO " + line);
            }

            @Override
            public void warn(String line) {
                out.println("WARN " + line);
            }

            @Override
            public void debug(Supplier<String> line) {
                if (debug) {
                    out.println("DEBUG " + line.get());
                }
            }

            @Override
            public boolean debugEnabled() {
                return debug;
            }
        };
    }
}
