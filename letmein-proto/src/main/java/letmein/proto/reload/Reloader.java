package letmein.proto.reload;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import letmein.proto.config.CheckedServerConfig;
import letmein.proto.config.ConfigChecksum;
import letmein.proto.config.ConfigException;
import letmein.proto.config.ConfigFileTrust;
import letmein.proto.config.ConfigProblem;
import letmein.proto.config.Configs;
import letmein.proto.config.ServerConfig;

/**
 * The one holder of a daemon's running configuration, and the only way to replace it. The state is one
 * immutable snapshot {@code S} (the parsed {@link ServerConfig} plus what the daemon derives from it);
 * readers take {@link #current()} once per request and use only that, so a request never sees half
 * of a reload. {@link #reload} checks who may write the file ({@link ConfigFileTrust}, as at start),
 * reads it ({@link StableRead}), parses and checks it ({@link Configs#checkServer}: what the daemon
 * would refuse to start on it refuses to reload), refuses it if it is invalid or changes a restart-only setting ({@link ConfigDiff#needRestart()}), builds the new snapshot
 * and swaps it in; reloads run one at a time. Thread-safe.
 *
 * @param <S> the daemon's snapshot
 */
public final class Reloader<S extends Reloader.Snapshot> {
    /** A daemon's immutable view of one configuration. */
    public interface Snapshot {
        ServerConfig config();
    }

    /** Derives the next snapshot; may refuse the configuration with a {@link ConfigException}. */
    @FunctionalInterface
    public interface Build<S> {
        S build(S running, ServerConfig next) throws ConfigException;
    }

    private final Path file;
    private final AtomicReference<S> current;
    private final Build<S> build;
    private final StableRead read;
    private final Optional<ConfigFileTrust.Reader> trust;

    /** Without the file-trust check (tests on files of any owner). */
    public Reloader(S initial, Build<S> build, StableRead read) {
        this(initial, build, read, Optional.empty());
    }

    /** With the file-trust check of {@code reader} ({@link ConfigFileTrust}), as the daemon applies it at start. */
    public Reloader(S initial, Build<S> build, StableRead read, Optional<ConfigFileTrust.Reader> trust) {
        this.file = Objects.requireNonNull(initial.config().file());
        this.current = new AtomicReference<>(initial);
        this.build = Objects.requireNonNull(build);
        this.read = Objects.requireNonNull(read);
        this.trust = Objects.requireNonNull(trust);
    }

    /** The running snapshot. */
    public S current() {
        return current.get();
    }

    public Path file() {
        return file;
    }

    /** Re-reads the file and applies it if valid; {@code trigger} says why, for the log. */
    public ReloadOutcome reload(String trigger) {
        return reload(trigger, Optional.empty());
    }

    /**
     * As {@link #reload(String)}, but applies the file only if its checksum is {@code required} (letmeinfwd:
     * letmeind has loaded exactly these bytes).
     */
    public synchronized ReloadOutcome reload(String trigger, Optional<ConfigChecksum> required) {
        S running = current.get();
        if (trust.isPresent()) {
            for (ConfigProblem p : ConfigFileTrust.check(file, trust.get())) {
                if (p.isError()) {
                    return new ReloadOutcome.Refused(p.toString(), trigger);
                }
            }
        }
        ServerConfig next;
        try {
            CheckedServerConfig checked = Configs.checkServer(file, read.read(file));
            for (ConfigProblem p : checked.problems()) {
                if (p.isError()) {
                    return new ReloadOutcome.Refused(p.toString(), trigger);
                }
            }
            next = checked.config();
        } catch (ConfigException e) {
            return new ReloadOutcome.Refused(e.getMessage(), trigger);
        }
        if (required.isPresent() && !required.get().matches(next.checksum())) {
            return new ReloadOutcome.Refused(file + ": its checksum " + ReloadOutcome.shortText(next.checksum())
                    + " is not letmeind's " + ReloadOutcome.shortText(required.get()), trigger);
        }
        if (running.config().checksum().matches(next.checksum())) {
            return new ReloadOutcome.Unchanged(next.checksum(), trigger);
        }
        ConfigDiff diff = ConfigDiff.between(running.config(), next);
        if (!diff.needRestart().isEmpty()) {
            return new ReloadOutcome.Refused(file + ": " + String.join(", ", diff.needRestart())
                    + ": these settings need a restart of both daemons (systemctl restart letmeinfwd letmeind)", trigger);
        }
        S built;
        try {
            built = build.build(running, next);
        } catch (ConfigException e) {
            return new ReloadOutcome.Refused(e.getMessage(), trigger);
        }
        current.set(built);
        return new ReloadOutcome.Applied(running.config().checksum(), next.checksum(), diff, trigger);
    }
}
