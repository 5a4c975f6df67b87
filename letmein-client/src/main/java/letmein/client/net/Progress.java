package letmein.client.net;

/**
 * Where the exchange, the connector and the relay report what they are doing. The network code only
 * reports; the command line decides what reaches the console ({@code letmein.client.cli.Diagnostics}).
 */
public interface Progress {
    /** A step of the exchange; shown with {@code --verbose} only. */
    void progress(String line);

    /** Something went wrong that does not change the outcome (a warning). */
    void warn(String line);

    /** Reports nothing: for callers without a console (the lab load tool, tests). */
    static Progress silent() {
        return Silent.INSTANCE;
    }

    /** The {@link #silent()} reporter (a class rather than a lambda, which costs start-up time). */
    final class Silent implements Progress {
        static final Silent INSTANCE = new Silent();

        private Silent() {
        }

        @Override
        public void progress(String line) {
        }

        @Override
        public void warn(String line) {
        }
    }
}
