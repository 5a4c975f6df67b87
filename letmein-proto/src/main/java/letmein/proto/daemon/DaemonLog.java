package letmein.proto.daemon;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * The administrator's log of both daemons: one line per decision, {@code key=value} fields where they
 * help grep, never a secret. Lines go to stdout (the journal under systemd) as {@code LEVEL text}; an
 * interface so tests can read what was logged.
 */
public interface DaemonLog {
    /** A decision or an event an admin may want to see. */
    void info(String line);

    /** Something is wrong or refused and an admin may have to act. */
    void warn(String line);

    /** Logged only with {@code [GENERAL] debug = true}; the text is built only then. */
    void debug(Supplier<String> line);

    boolean debugEnabled();

    /** Writes {@code INFO|WARN|DEBUG text} lines to {@code out}; thread-safe (println is synchronized). */
    static DaemonLog to(PrintStream out, boolean debug) {
        return new DaemonLog() {
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
