package letmein.client.net;

/** A monotonic clock in nanoseconds; an interface so time comes in from outside (tests, fakes). */
@FunctionalInterface
public interface Ticker {
    long nanoTime();

    static Ticker system() {
        return System::nanoTime;
    }
}
