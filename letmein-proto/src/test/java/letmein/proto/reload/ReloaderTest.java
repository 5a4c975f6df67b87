package letmein.proto.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import letmein.proto.config.ConfigChecksum;
import letmein.proto.config.ConfigException;
import letmein.proto.config.Configs;
import letmein.proto.config.ServerConfig;
import letmein.proto.wire.UserId;

/** The reload rule on real files: all or nothing, last good config kept, restart-only settings refused. */
class ReloaderTest {
    @TempDir
    Path dir;

    /** A snapshot that also derives something, to show the build step sees the new config. */
    record Snap(ServerConfig config, int generation) implements Reloader.Snapshot {
    }

    Path file;
    Reloader<Snap> reloader;

    void start(String text) throws Exception {
        file = dir.resolve("letmeind.conf");
        Files.writeString(file, text);
        reloader = new Reloader<>(new Snap(Configs.loadServer(file), 0),
                (running, next) -> new Snap(next, running.generation() + 1), new StableRead(Duration.ofMillis(20), 3));
    }

    @Test
    void aValidEditIsAppliedAtOnce() throws Exception {
        start(ConfigDiffTest.BASE);
        Files.writeString(file, ConfigDiffTest.BASE.replace("[KEYS]\n", "[KEYS]\n3 = " + ConfigDiffTest.K3 + "\n"));
        ReloadOutcome o = reloader.reload("SIGHUP");
        assertThat(o).isInstanceOf(ReloadOutcome.Applied.class);
        assertThat(((ReloadOutcome.Applied) o).diff().usersAdded()).containsExactly(new UserId(3));
        assertThat(o.logLine()).startsWith("reload: applied (SIGHUP) checksum=").contains("users +[00000003] -[]");
        assertThat(reloader.current().generation()).isEqualTo(1);
        assertThat(reloader.current().config().key(new UserId(3))).isPresent();
    }

    @Test
    void theSameBytesAgainAreUnchanged() throws Exception {
        start(ConfigDiffTest.BASE);
        Snap before = reloader.current();
        assertThat(reloader.reload("SIGHUP")).isInstanceOf(ReloadOutcome.Unchanged.class);
        assertThat(reloader.current()).isSameAs(before);
    }

    @Test
    void anInvalidEditIsRefusedWithFileAndLineAndTheOldConfigStays() throws Exception {
        start(ConfigDiffTest.BASE);
        Snap before = reloader.current();
        Files.writeString(file, ConfigDiffTest.BASE.replace("22 = port: 22", "22 = port: 99999"));
        ReloadOutcome o = reloader.reload("SIGHUP");
        assertThat(o).isInstanceOf(ReloadOutcome.Refused.class);
        int line = lineOf(Files.readString(file), "22 = port: 99999");
        assertThat(o.logLine()).startsWith("reload: refused (SIGHUP), keeping the running configuration: " + file + ":"
                + line + ": ");
        assertThat(reloader.current()).isSameAs(before);
    }

    @Test
    void aMissingFileIsRefused() throws Exception {
        start(ConfigDiffTest.BASE);
        Files.delete(file);
        assertThat(reloader.reload("SIGHUP").logLine()).contains("does not exist");
        assertThat(reloader.current().generation()).isZero();
    }

    @Test
    void aRestartOnlyChangeRefusesTheWholeReload() throws Exception {
        start(ConfigDiffTest.BASE);
        // a new user (live) together with a new control port (restart-only): nothing is applied
        Files.writeString(file, ConfigDiffTest.BASE.replace("port = 5800", "port = 5900")
                .replace("[KEYS]\n", "[KEYS]\n3 = " + ConfigDiffTest.K3 + "\n"));
        ReloadOutcome o = reloader.reload("SIGHUP");
        assertThat(o.logLine()).contains("[GENERAL] port 5800/tcp -> 5900/tcp").contains("need a restart");
        assertThat(reloader.current().config().key(new UserId(3))).isEmpty();
    }

    @Test
    void aRefusalOfTheBuildStepKeepsTheOldConfig() throws Exception {
        file = dir.resolve("letmeind.conf");
        Files.writeString(file, ConfigDiffTest.BASE);
        Reloader<Snap> r = new Reloader<>(new Snap(Configs.loadServer(file), 0), (running, next) -> {
            throw new ConfigException(next.file(), 0, "not for this daemon");
        }, new StableRead(Duration.ofMillis(1), 1));
        Files.writeString(file, ConfigDiffTest.BASE + "# edit\n");
        assertThat(r.reload("SIGHUP").logLine()).endsWith("not for this daemon");
        assertThat(r.current().generation()).isZero();
    }

    @Test
    void aRequiredChecksumThatIsNotTheFilesAppliesNothing() throws Exception {
        start(ConfigDiffTest.BASE);
        Files.writeString(file, ConfigDiffTest.BASE + "# edit\n");
        ConfigChecksum other = ConfigChecksum.of("something else".getBytes(StandardCharsets.UTF_8));
        assertThat(reloader.reload("checksum", Optional.of(other))).isInstanceOf(ReloadOutcome.Refused.class);
        assertThat(reloader.current().generation()).isZero();
        ConfigChecksum ofFile = ConfigChecksum.of(Files.readAllBytes(file));
        assertThat(reloader.reload("checksum", Optional.of(ofFile))).isInstanceOf(ReloadOutcome.Applied.class);
    }

    @Test
    void aFileBeingWrittenIsNotApplied() throws Exception {
        start(ConfigDiffTest.BASE);
        AtomicBoolean stop = new AtomicBoolean();
        // an editor writing in place, one line every 5 ms: every pair of reads 20 ms apart differs
        Thread writer = new Thread(() -> {
            int i = 0;
            while (!stop.get()) {
                try {
                    Files.writeString(file, "# line " + i++ + "\n", StandardOpenOption.APPEND);
                    Thread.sleep(5);
                } catch (Exception e) {
                    return;
                }
            }
        });
        writer.start();
        try {
            ReloadOutcome o = reloader.reload("SIGHUP");
            assertThat(o).isInstanceOf(ReloadOutcome.Refused.class);
            assertThat(o.logLine()).contains("kept changing while it was read");
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(reloader.current().generation()).isZero();
        assertThat(reloader.reload("SIGHUP")).isInstanceOf(ReloadOutcome.Applied.class); // done writing: applied
    }

    @Test
    void concurrentReaderSeesEitherTheOldOrTheNewSnapshotNeverAMix() throws Exception {
        start(ConfigDiffTest.BASE);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean mixed = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                Snap s = reloader.current();
                boolean hasUser3 = s.config().key(new UserId(3)).isPresent();
                if (hasUser3 != (s.generation() % 2 == 1)) {
                    mixed.set(true);
                }
            }
        });
        reader.start();
        String with3 = ConfigDiffTest.BASE.replace("[KEYS]\n", "[KEYS]\n3 = " + ConfigDiffTest.K3 + "\n");
        for (int i = 0; i < 10; i++) {
            Files.writeString(file, i % 2 == 0 ? with3 : ConfigDiffTest.BASE);
            assertThat(reloader.reload("SIGHUP")).isInstanceOf(ReloadOutcome.Applied.class);
        }
        stop.set(true);
        reader.join();
        assertThat(mixed).isFalse();
        assertThat(reloader.current().generation()).isEqualTo(10);
    }

    private static int lineOf(String text, String needle) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].equals(needle)) {
                return i + 1;
            }
        }
        throw new AssertionError(needle);
    }
}
