package letmein.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process used, from /proc: its own user+system time, what its reaped children used
 * (cutime+cstime), and its children still running. letmeinfwd's nft session is such a child: it is
 * reaped only every 1,000 transactions, so without the live children a run's nft CPU would be missed.
 * Values are in clock ticks of 1/100 s (USER_HZ, 100 on every Linux architecture the JDK runs on).
 */
final class ProcStat {
    static final int TICKS_PER_SECOND = 100;

    private ProcStat() {
    }

    /** Own + reaped children's + live children's CPU ticks of {@code pid}; -1 if the process is gone. */
    static long cpuTicks(long pid) {
        long[] own = read(Path.of("/proc", Long.toString(pid), "stat"));
        if (own.length == 0) {
            return -1;
        }
        long total = own[0] + own[1] + own[2] + own[3];
        for (long child : children(pid)) {
            long[] c = read(Path.of("/proc", Long.toString(child), "stat"));
            if (c.length > 0) {
                total += c[0] + c[1] + c[2] + c[3];
            }
        }
        return total;
    }

    /** CPU ticks of this JVM itself (user + system). */
    static long selfTicks() {
        long[] own = read(Path.of("/proc/self/stat"));
        return own.length == 0 ? -1 : own[0] + own[1];
    }

    private static long[] read(Path stat) {
        try {
            return parse(Files.readString(stat, StandardCharsets.US_ASCII));
        } catch (IOException | IllegalArgumentException e) {
            return new long[0];
        }
    }

    /**
     * utime, stime, cutime, cstime (fields 14–17 of proc(5)) from one /proc/PID/stat line. The command
     * name (field 2) is in parentheses and may itself contain spaces and ')', so fields are counted from
     * the last ')'.
     */
    static long[] parse(String line) {
        int close = line.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: no ')'");
        }
        String[] f = line.substring(close + 1).trim().split(" +");
        if (f.length < 15) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + f.length + " fields after the name");
        }
        // f[0] is field 3 (state), so field N is f[N - 3]
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
    }

    /** Direct children of {@code pid} (every thread's children file: a child belongs to the thread that forked it). */
    private static long[] children(long pid) {
        StringBuilder all = new StringBuilder();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    all.append(Files.readString(task.resolve("children"), StandardCharsets.US_ASCII)).append(' ');
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return new long[0];
        }
        String text = all.toString().trim();
        if (text.isEmpty()) {
            return new long[0];
        }
        String[] parts = text.split("\\s+");
        long[] pids = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            pids[i] = Long.parseLong(parts[i]);
        }
        return pids;
    }
}
