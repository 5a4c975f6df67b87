package letmein.proto.daemon;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the daemons keep their run-time files below {@code --rundir} (default {@code /run}): each has a
 * directory of its own with its pid file, and letmeinfwd's holds the Unix socket letmeind connects to.
 * Both daemons compute these paths here, so they cannot disagree.
 *
 * @param rundir the run-time directory, normally {@code /run}
 */
public record RunPaths(Path rundir) {
    /** The default {@code --rundir}. */
    public static final Path DEFAULT_RUNDIR = Path.of("/run");

    public RunPaths {
        Objects.requireNonNull(rundir);
    }

    /** {@code <rundir>/letmeinfwd}. */
    public Path fwdDir() {
        return rundir.resolve("letmeinfwd");
    }

    /** {@code <rundir>/letmeinfwd/letmeinfwd.sock}: letmeinfwd listens, letmeind connects. */
    public Path fwdSocket() {
        return fwdDir().resolve("letmeinfwd.sock");
    }

    /** {@code <rundir>/letmeinfwd/letmeinfwd.pid}. */
    public Path fwdPidFile() {
        return fwdDir().resolve("letmeinfwd.pid");
    }

    /** {@code <rundir>/letmeind/letmeind.pid}. */
    public Path daemonPidFile() {
        return rundir.resolve("letmeind").resolve("letmeind.pid");
    }
}
