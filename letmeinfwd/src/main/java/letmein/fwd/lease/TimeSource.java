package letmein.fwd.lease;

import java.time.Instant;

/** Time for lease bookkeeping: a monotonic clock for expiry, wall time only for log lines. */
public interface TimeSource {
    long monotonicNanos();

    Instant now();

    TimeSource SYSTEM = new TimeSource() {
        @Override
        public long monotonicNanos() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }
    };
}
