package letmein.bench.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
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
    /** Path of the file to parse; run-jmh.sh passes the repository's conf/letmeind.conf. */
    @Param({"conf/letmeind.conf"})
    public String file;

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
        Configs.parseServer(path, bytes); // fail at setup, not inside the measurement, if it is invalid
    }

    @Benchmark
    public ServerConfig parseServerConfig() throws ConfigException {
        return Configs.parseServer(path, bytes);
    }
}
