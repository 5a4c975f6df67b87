package letmein.bench.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import letmein.proto.config.ConfigException;
import letmein.proto.config.Configs;
import letmein.proto.config.ServerConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of parsing the shipped server configuration (bytes already in memory, so no disk): paid at
 * every daemon start and every reload, and part of the client's start-up for its own file.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ConfigParseBench {
    /**
     * Path of the file to parse; run-jmh.sh passes conf/letmeind.conf with one generated key line
     * (letmein-bench/target/letmeind-bench.conf). A file without a key gets {@link #BENCH_KEY} added
     * after {@code [KEYS]}, so that the key parsing every daemon start pays is always measured.
     */
    @Param({"conf/letmeind.conf"})
    public String file;

    /** A key for this benchmark only (never a daemon's): the shipped config carries none. */
    static final String BENCH_KEY = "00000001 = 6c8b2f0e4a9d17c3b5e2f8a0d4c6b1e9f3a7d5c2b8e0f4a6c1d3e5b7a9f2c4e6";

    private Path path;
    private byte[] bytes;

    @Setup
    public void setUp() throws ConfigException {
        path = Path.of(file);
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " (run from the repository root or pass -p file=...)", e);
        }
        ServerConfig parsed = Configs.parseServer(path, bytes); // fail at setup, not inside the measurement
        if (parsed.keys().isEmpty()) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            bytes = text.replaceFirst("(?m)^\\[KEYS\\][ \\t]*$", "[KEYS]\n" + BENCH_KEY).getBytes(StandardCharsets.UTF_8);
            if (Configs.parseServer(path, bytes).keys().isEmpty()) {
                throw new IllegalStateException(path + " has no [KEYS] section to add the benchmark key to");
            }
        }
    }

    @Benchmark
    public ServerConfig parseServerConfig() throws ConfigException {
        return Configs.parseServer(path, bytes);
    }
}
