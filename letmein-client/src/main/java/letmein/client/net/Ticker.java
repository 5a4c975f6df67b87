package letmein.client.net;

/** A monotonic clock in nanoseconds; an interface so time comes in from outside (tests, fakes). */
@FunctionalInterface
public interface Ticker {
    long nanoTime();

    static Ticker system() {
        return SystemTicker.INSTANCE;
    }

    /** {@link System#nanoTime()}; a class rather than a method reference, which costs start-up time. */
    final class SystemTicker implements Ticker {
        static final SystemTicker INSTANCE = new SystemTicker();

        private SystemTicker() {
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }
    }
}
