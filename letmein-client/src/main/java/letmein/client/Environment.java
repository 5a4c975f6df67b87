package letmein.client;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;
import letmein.client.net.RetryPolicy;
import letmein.client.net.Ticker;
import letmein.client.plan.Resolver;
import letmein.proto.auth.Randomness;
import letmein.proto.config.Configs;

/**
 * Everything the client takes from the outside world, passed in so that tests run the whole
 * command line in-process with their own streams, resolver, config and randomness.
 *
 * @param stdout raw bytes for {@code connect}; not auto-flushed (the program flushes it)
 */
public record Environment(InputStream stdin, PrintStream stdout, PrintStream stderr, Resolver resolver,
        ConfigSource configs, Supplier<Path> defaultConfig, Randomness randomness, Ticker ticker, RetryPolicy retry) {
    public Environment {
        Objects.requireNonNull(stdin);
        Objects.requireNonNull(stdout);
        Objects.requireNonNull(stderr);
        Objects.requireNonNull(resolver);
        Objects.requireNonNull(configs);
        Objects.requireNonNull(defaultConfig);
        Objects.requireNonNull(randomness);
        Objects.requireNonNull(ticker);
        Objects.requireNonNull(retry);
    }

    /** The real process: file descriptors 0/1/2, system DNS, config files, the OS CSPRNG. */
    public static Environment system() {
        return new Environment(new FileInputStream(FileDescriptor.in),
                new PrintStream(new FileOutputStream(FileDescriptor.out), false),
                new PrintStream(new FileOutputStream(FileDescriptor.err), true),
                Resolver.system(), ConfigSource.files(), new DefaultConfigPath(),
                new UrandomRandomness(), Ticker.system(), RetryPolicy.DEFAULT);
    }

    /** The first existing file of the client search path (a class, not a lambda: cheaper at start-up). */
    private static final class DefaultConfigPath implements Supplier<Path> {
        @Override
        public Path get() {
            return Configs.defaultPath(Configs.CLIENT_SEARCH_PATH);
        }
    }
}
