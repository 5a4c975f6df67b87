package letmein.proto.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A daemon's pid file ({@link RunPaths}). Written without following symbolic links, so a link planted
 * at the path or in place of its directory cannot make a daemon (letmeinfwd runs as root) overwrite
 * another file.
 */
public final class PidFile {
    private final Path path;

    public PidFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** Creates the directory if missing and writes {@code PID\n}. */
    public void write(long pid) throws StartupException {
        Path dir = path.getParent();
        try {
            if (dir != null) {
                if (Files.isSymbolicLink(dir)) {
                    throw new StartupException("refusing the pid directory " + dir + ": it is a symbolic link");
                }
                if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    throw new StartupException("cannot use " + dir + " for the pid file: it exists and is not a directory");
                }
                Files.createDirectories(dir);
            }
            if (Files.isSymbolicLink(path)) {
                throw new StartupException("refusing to write the pid file " + path + ": it is a symbolic link");
            }
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer b = ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        } catch (IOException e) {
            throw new StartupException("cannot write the pid file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Removes the file at shutdown, only if it is still a regular file; best effort. */
    public void remove() {
        try {
            if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(path);
            }
        } catch (IOException e) {
            // at exit there is nothing better to do; a stale pid file is harmless (letmeinfwd checks the live peer)
        }
    }
}
