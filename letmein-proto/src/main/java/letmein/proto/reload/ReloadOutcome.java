package letmein.proto.reload;

import java.util.Objects;

import letmein.proto.config.ConfigChecksum;

/** What one reload attempt did; {@link #logLine()} is the one line a daemon logs for it. */
public sealed interface ReloadOutcome {
    /** The line to log, starting with {@code reload:}. */
    String logLine();

    /** The new file was applied: from the next request on, everything uses it. */
    record Applied(ConfigChecksum previous, ConfigChecksum current, ConfigDiff diff, String trigger)
            implements ReloadOutcome {
        public Applied {
            Objects.requireNonNull(previous);
            Objects.requireNonNull(current);
            Objects.requireNonNull(diff);
            Objects.requireNonNull(trigger);
        }

        @Override
        public String logLine() {
            return "reload: applied (" + trigger + ") checksum=" + shortText(previous) + "->" + shortText(current)
                    + " " + diff.summary();
        }
    }

    /** The file's bytes are those already running: nothing to do. */
    record Unchanged(ConfigChecksum current, String trigger) implements ReloadOutcome {
        public Unchanged {
            Objects.requireNonNull(current);
            Objects.requireNonNull(trigger);
        }

        @Override
        public String logLine() {
            return "reload: unchanged (" + trigger + ") checksum=" + shortText(current);
        }
    }

    /** Nothing was applied; the running configuration stays. {@code reason} names file and line where known. */
    record Refused(String reason, String trigger) implements ReloadOutcome {
        public Refused {
            Objects.requireNonNull(reason);
            Objects.requireNonNull(trigger);
        }

        @Override
        public String logLine() {
            return "reload: refused (" + trigger + "), keeping the running configuration: " + reason;
        }
    }

    /** The first 8 hex digits: enough to tell two files apart in a log. */
    static String shortText(ConfigChecksum c) {
        return c.toString().substring(0, 8);
    }
}
