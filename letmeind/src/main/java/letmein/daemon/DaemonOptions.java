package letmein.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import letmein.proto.daemon.RunPaths;

/**
 * Command-line settings of letmeind that are not in the config file.
 *
 * @param rundir       runtime directory ({@code /run}): pid file and the letmeinfwd socket live below it
 * @param maxSessions  {@code -n}: concurrent sessions over TCP and UDP together
 * @param maxPerSource {@code -N}: concurrent sessions per source (effective min(N, n))
 * @param fwdTimeout   letmeinfwd send and receive timeout each
 */
public record DaemonOptions(Path rundir, int maxSessions, int maxPerSource, Duration fwdTimeout) {
    /** {@code -n} when not given (upstream's default). */
    public static final int DEFAULT_MAX_SESSIONS = 64;
    /** {@code -N} when not given (upstream's default). */
    public static final int DEFAULT_MAX_PER_SOURCE = 8;

    public DaemonOptions {
        Objects.requireNonNull(rundir);
        Objects.requireNonNull(fwdTimeout);
        if (maxSessions < 1) {
            throw new IllegalArgumentException("-n must be at least 1, got " + maxSessions);
        }
        if (maxPerSource < 1) {
            throw new IllegalArgumentException("-N must be at least 1, got " + maxPerSource);
        }
    }

    /** The per-source limit actually applied. */
    public int effectivePerSource() {
        return Math.min(maxPerSource, maxSessions);
    }

    public Path fwdSocket() {
        return new RunPaths(rundir).fwdSocket();
    }

    public Path pidFile() {
        return new RunPaths(rundir).daemonPidFile();
    }
}
