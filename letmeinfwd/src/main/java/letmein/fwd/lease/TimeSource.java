package letmein.fwd.lease;

/**
 * Time for lease bookkeeping: a monotonic clock for expiry, wall time only for log lines (as epoch
 * seconds: java.time's classes would be loaded by the first knock and stay resident, 40 MiB budget).
 */
public interface TimeSource {
    long monotonicNanos();

    /** Wall-clock time in whole seconds since 1970-01-01T00:00:00Z. */
    long epochSeconds();

    TimeSource SYSTEM = new TimeSource() {
        @Override
        public long monotonicNanos() {
            return System.nanoTime();
        }

        @Override
        public long epochSeconds() {
            return System.currentTimeMillis() / 1000;
        }
    };
}
