package letmein.fwd.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import letmein.proto.config.ConfigChecksum;

/** A letmeinfwd process started with bin/letmeinfwd inside a lab namespace; killed by PID on close. */
final class Daemon implements AutoCloseable {
    final Path dir;
    final Path config;
    final Path log;
    final ConfigChecksum checksum;
    final Process process;

    private Daemon(Path dir, Path config, Path log, ConfigChecksum checksum, Process process) {
        this.dir = dir;
        this.config = config;
        this.log = log;
        this.checksum = checksum;
        this.process = process;
    }

    static Path newDir() throws IOException {
        Path d = Files.createTempDirectory("lmfwd-");
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        return d;
    }

    /** Writes {@code configText} and starts letmeinfwd; waits until it serves (or fails with its log). */
    static Daemon start(Lab lab, Path dir, String configText, String... extraArgs) throws IOException {
        Path config = dir.resolve("letmeind.conf");
        Files.writeString(config, configText);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r-----"));
        Daemon d = launch(lab, dir, config, extraArgs);
        d.awaitServing();
        return d;
    }

    /** Starts letmeinfwd without waiting (for start-up failure tests). */
    static Daemon launch(Lab lab, Path dir, Path config, String... extraArgs) throws IOException {
        Path log = dir.resolve("letmeinfwd-" + System.nanoTime() + ".log");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", lab.ns,
                Lab.REPO.resolve("bin/letmeinfwd").toString(), "-c", config.toString(), "--rundir", dir.toString(),
                "--no-systemd"));
        cmd.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Daemon(dir, config, log, ConfigChecksum.of(Files.readAllBytes(config)), p);
    }

    Path socket() {
        return dir.resolve("letmeinfwd/letmeinfwd.sock");
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<no log: " + e.getMessage() + ">";
        }
    }

    void awaitServing() {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            if (log().contains("INFO serving on")) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("letmeinfwd exited with " + process.exitValue() + ":\n" + log());
            }
            sleep(50);
        }
        throw new AssertionError("letmeinfwd did not start within 30 s:\n" + log());
    }

    /** Waits for the process to exit and returns its exit code. */
    int awaitExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("letmeinfwd did not exit within 30 s:\n" + log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    void signal(String sig) {
        Cmd.run(List.of("kill", "-" + sig, Long.toString(process.pid()))).ok("kill -" + sig);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
