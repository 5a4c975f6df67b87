package letmein.proto.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One thing wrong with a configuration file that the parser alone does not catch (a config that
 * parses but must not be run, or a file anybody but root may change), found by {@link ServerConfigCheck},
 * {@link ConfigFileTrust} or a daemon's own checks. An {@link Severity#ERROR} stops {@code --check-config}
 * (exit 1) and the daemon's start alike; a {@link Severity#WARNING} is printed and nothing more.
 *
 * @param file    the file the problem is in (or about)
 * @param line    1-based line to fix, or 0 when the problem is the file itself (owner, mode)
 * @param message what is wrong and how to fix it, without the location
 */
public record ConfigProblem(Path file, int line, Severity severity, String message) {
    /** Whether the problem stops the daemon. */
    public enum Severity {
        ERROR, WARNING
    }

    public ConfigProblem {
        Objects.requireNonNull(severity);
        Objects.requireNonNull(message);
        if (line < 0) {
            throw new IllegalArgumentException("line must not be negative: " + line);
        }
    }

    static ConfigProblem error(Path file, int line, String message) {
        return new ConfigProblem(file, line, Severity.ERROR, message);
    }

    static ConfigProblem warning(Path file, int line, String message) {
        return new ConfigProblem(file, line, Severity.WARNING, message);
    }

    /** A problem of a daemon's own check (letmeinfwd's nft checks), with the same format. */
    public static ConfigProblem of(Path file, int line, Severity severity, String message) {
        return new ConfigProblem(file, line, severity, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** True if any of {@code problems} is an error. */
    public static boolean anyError(List<ConfigProblem> problems) {
        for (ConfigProblem p : problems) {
            if (p.isError()) {
                return true;
            }
        }
        return false;
    }

    /** {@code FILE:LINE: message} (errors) or {@code FILE:LINE: warning: message}, as a daemon prints it. */
    @Override
    public String toString() {
        return ConfigException.format(file, line, isError() ? message : "warning: " + message);
    }
}
