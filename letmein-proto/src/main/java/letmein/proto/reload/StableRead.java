package letmein.proto.reload;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

import letmein.proto.config.ConfigException;

/**
 * Reads {@code letmeind.conf} for a reload so that a write in progress is not mistaken for the new
 * file: the file is read, then after {@code settle} read again, and the bytes, size and modification
 * time must be the same both times. An editor that writes the file in place (truncate, then write)
 * is then either caught in the act (the reads differ: tried again, at most {@code attempts} times) or
 * done. A writer that pauses longer than {@code settle} half-way cannot be told from a finished one:
 * write the file atomically (a new file renamed over the old) to rule that out; a truncated file that
 * does not parse is refused anyway.
 */
public final class StableRead {
    /** Production values: 100 ms between the reads, 5 tries. */
    public static final StableRead DEFAULT = new StableRead(Duration.ofMillis(100), 5);
    /** Larger than any letmein config; the same bound as the start-up read. */
    static final long MAX_FILE_SIZE = 16L * 1024 * 1024;

    private final Duration settle;
    private final int attempts;

    public StableRead(Duration settle, int attempts) {
        this.settle = Objects.requireNonNull(settle);
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        this.attempts = attempts;
    }

    /** The file's bytes once two reads {@code settle} apart agree. */
    public byte[] read(Path file) throws ConfigException {
        Snapshot first = snapshot(file);
        for (int i = 0; i < attempts; i++) {
            pause();
            Snapshot second = snapshot(file);
            if (first.sameAs(second)) {
                return second.bytes();
            }
            first = second;
        }
        throw new ConfigException(file, 0, "Configuration file " + file + " kept changing while it was read ("
                + attempts + " tries " + settle.toMillis() + " ms apart); is an editor still writing it?");
    }

    private void pause() throws ConfigException {
        try {
            Thread.sleep(settle.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException(null, 0, "interrupted while reading the configuration");
        }
    }

    private record Snapshot(byte[] bytes, long size, long modifiedNanos, Object fileKey) {
        boolean sameAs(Snapshot o) {
            return size >= 0 && size == o.size && modifiedNanos == o.modifiedNanos && Objects.equals(fileKey, o.fileKey)
                    && Arrays.equals(bytes, o.bytes);
        }
    }

    private static Snapshot snapshot(Path file) throws ConfigException {
        try {
            BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class, new LinkOption[0]);
            if (before.isDirectory()) {
                throw new ConfigException(file, 0, "Configuration file " + file + " is a directory");
            }
            if (before.size() > MAX_FILE_SIZE) {
                throw new ConfigException(file, 0, "Configuration file " + file + " is larger than "
                        + MAX_FILE_SIZE + " bytes");
            }
            byte[] bytes = Files.readAllBytes(file);
            BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class, new LinkOption[0]);
            if (after.size() != bytes.length || !after.lastModifiedTime().equals(before.lastModifiedTime())) {
                // changed during the read: report a snapshot that cannot match the next one
                return new Snapshot(bytes, -1, -1, null);
            }
            return new Snapshot(bytes, after.size(), after.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
                    after.fileKey());
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, 0, "Configuration file " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new ConfigException(file, 0, "Permission denied reading configuration file " + file);
        } catch (IOException | SecurityException e) {
            throw new ConfigException(file, 0, "Cannot read configuration file " + file + ": " + e);
        }
    }
}
