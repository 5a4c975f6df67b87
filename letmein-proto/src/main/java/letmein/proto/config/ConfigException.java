package letmein.proto.config;

import java.nio.file.Path;

/**
 * An invalid configuration: names the file, the line (1-based; 0 when the problem is not on one line)
 * and what is wrong, so an administrator can fix it without guessing.
 */
public final class ConfigException extends Exception {
    private final Path file;
    private final int line;
    private final String problem;

    public ConfigException(Path file, int line, String problem) {
        super(format(file, line, problem));
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    static String format(Path file, int line, String problem) {
        String where = file == null ? "<config>" : file.toString();
        return line > 0 ? where + ":" + line + ": " + problem : where + ": " + problem;
    }

    public Path file() {
        return file;
    }

    /** 1-based line number, or 0. */
    public int line() {
        return line;
    }

    /** The problem without the location. */
    public String problem() {
        return problem;
    }
}
