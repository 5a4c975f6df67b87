package letmein.fwd.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A copy of bin/letmeinfwd, bin/launcher.sh and the built letmeinfwd.jar in the installed layout (bin/, lib/) that
 * any user can read, for tests that run the daemon as an unprivileged user: the checkout itself may sit
 * where that user cannot enter (under /root, or a 0700 mktemp directory), as lab.sh also allows for.
 */
final class ReadableLauncher {
    private ReadableLauncher() {
    }

    /** Lays the copy out under {@code dir} (made readable for all) and returns its bin/letmeinfwd. */
    static Path in(Path dir, Path repo) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("app/bin"));
        Path lib = Files.createDirectories(dir.resolve("app/lib"));
        Files.copy(repo.resolve("bin/letmeinfwd"), bin.resolve("letmeinfwd"));
        Files.copy(repo.resolve("bin/launcher.sh"), bin.resolve("launcher.sh"));
        Files.copy(repo.resolve("letmeinfwd/target/letmeinfwd.jar"), lib.resolve("letmeinfwd.jar"));
        for (Path p : new Path[] {dir, dir.resolve("app"), bin, lib}) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(bin.resolve("letmeinfwd"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(bin.resolve("launcher.sh"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(lib.resolve("letmeinfwd.jar"), PosixFilePermissions.fromString("rw-r--r--"));
        return bin.resolve("letmeinfwd");
    }
}
