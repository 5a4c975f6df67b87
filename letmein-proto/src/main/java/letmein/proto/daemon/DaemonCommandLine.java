package letmein.proto.daemon;

import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import letmein.proto.config.Configs;
import letmein.proto.config.SeccompMode;

/**
 * The command line both daemons share — {@code -c FILE}, {@code --rundir DIR}, {@code --no-systemd},
 * {@code -n N}, {@code --check-config}, {@code --seccomp MODE}, {@code -h}, {@code -v} — parsed once here;
 * each daemon adds its own options through an {@link Extra}. Parsed by hand with {@link ArgScanner}:
 * picocli's reflection alone costs a daemon ~3 MiB of resident memory. Exit codes as upstream: 0 for
 * help and version, 2 for a usage error.
 */
public final class DaemonCommandLine {
    /**
     * The options every daemon has.
     *
     * @param config         {@code -c}: the config file, empty for the search path
     * @param numConnections {@code -n}: concurrent connections (the daemon's own default when not given)
     * @param seccomp        {@code --seccomp}, empty when not given
     */
    public record Common(Optional<Path> config, Path rundir, boolean noSystemd, int numConnections,
            boolean checkConfig, Optional<SeccompMode> seccomp) {
        /** The config file: {@code -c}, or the first existing file of the server search path. */
        public Path configFile() {
            return config.orElseGet(() -> Configs.defaultPath(Configs.SERVER_SEARCH_PATH));
        }

        /** The run-time paths below {@code --rundir}. */
        public RunPaths runPaths() {
            return new RunPaths(rundir);
        }
    }

    /** A daemon's own options. */
    public interface Extra {
        /**
         * Handles {@code name} (the scanner stands on it) and returns true, or returns false if the option
         * is not this daemon's.
         */
        boolean option(String name, ArgScanner scanner) throws UsageException;
    }

    /** What the command line asks for. */
    public sealed interface Parsed {
        /** Run the daemon (or check its config) with these options. */
        record Run(Common options) implements Parsed {
        }

        /** The command line was answered or wrong: exit with {@code code}. */
        record Exit(int code) implements Parsed {
        }
    }

    private final String program;
    private final String usage;
    private final int defaultConnections;
    private final Set<String> shortOptionsWithValue;
    private final Extra extra;

    /**
     * @param usage                 the full help text, printed for {@code -h} and after a usage error
     * @param extraShortWithValue   the daemon's own two-character options that take a value
     */
    public DaemonCommandLine(String program, String usage, int defaultConnections, Set<String> extraShortWithValue,
            Extra extra) {
        this.program = program;
        this.usage = usage;
        this.defaultConnections = defaultConnections;
        Set<String> s = new HashSet<>(List.of("-c", "-n"));
        s.addAll(extraShortWithValue);
        this.shortOptionsWithValue = Set.copyOf(s);
        this.extra = extra;
    }

    /** Parses {@code args}; help and version are printed to {@code out}, usage errors to {@code err}. */
    public Parsed parse(String[] args, PrintStream out, PrintStream err) {
        Optional<Path> config = Optional.empty();
        Path rundir = RunPaths.DEFAULT_RUNDIR;
        boolean noSystemd = false;
        int numConnections = defaultConnections;
        boolean checkConfig = false;
        Optional<SeccompMode> seccomp = Optional.empty();
        try {
            ArgScanner s = new ArgScanner(args, shortOptionsWithValue);
            while (s.hasNext()) {
                String name = s.next();
                switch (name) {
                    case "-h", "--help" -> {
                        s.noValue();
                        out.println(usage);
                        return new Parsed.Exit(0);
                    }
                    case "-v", "--version" -> {
                        s.noValue();
                        out.println(Version.line(program));
                        return new Parsed.Exit(0);
                    }
                    case "-c", "--config" -> config = Optional.of(Path.of(s.value()));
                    case "--rundir" -> rundir = Path.of(s.value());
                    case "--no-systemd" -> {
                        s.noValue();
                        noSystemd = true;
                    }
                    case "-n", "--num-connections" -> numConnections = s.positiveNumber();
                    case "--check-config" -> {
                        s.noValue();
                        checkConfig = true;
                    }
                    case "--seccomp" -> seccomp = Optional.of(s.seccompMode());
                    default -> {
                        if (!extra.option(name, s)) {
                            throw s.unknown();
                        }
                    }
                }
            }
            return new Parsed.Run(new Common(config, rundir, noSystemd, numConnections, checkConfig, seccomp));
        } catch (UsageException e) {
            err.println(program + ": " + e.getMessage());
            err.println(hint(program));
            return new Parsed.Exit(2);
        } catch (InvalidPathException e) {
            err.println(program + ": invalid path: " + e.getMessage());
            err.println(hint(program));
            return new Parsed.Exit(2);
        }
    }

    /** The one line after a usage error (the whole help is {@code --help}'s, not every typo's). */
    public static String hint(String program) {
        return "Try '" + program + " --help'.";
    }
}
