package letmein.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of one process from /proc/PID/stat (fields utime, stime, cutime, cstime, in clock ticks).
 * Why: at a few thousand knocks/s the 2 cores are shared by the load tool, letmeind, letmeinfwd and the
 * nft processes letmeinfwd spawns; the difference of two snapshots says who used how much. cutime and
 * cstime hold the CPU of children the process has <em>waited for</em> (letmeinfwd's finished nft runs).
 *
 * @param utime user ticks of the process (all threads)
 * @param stime system ticks of the process
 * @param cutime user ticks of waited-for children
 * @param cstime system ticks of waited-for children
 */
record ProcStat(long utime, long stime, long cutime, long cstime) {

    /** Reads /proc/PID/stat; {@code pid} may be "self". */
    static ProcStat read(String pid) throws IOException {
        return parse(Files.readString(Path.of("/proc", pid, "stat"), StandardCharsets.US_ASCII));
    }

    /**
     * Parses the text of /proc/PID/stat. The command name (field 2) is in parentheses and may itself
     * contain spaces and ')', so the fields are counted from the LAST ')'.
     */
    static ProcStat parse(String stat) throws IOException {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IOException("not a /proc/PID/stat line (no ')'): " + abbreviate(stat));
        }
        String[] f = stat.substring(close + 1).trim().split(" +");
        // f[0] is field 3 (state); utime..cstime are fields 14..17, i.e. f[11]..f[14]
        if (f.length < 15) {
            throw new IOException("/proc/PID/stat has " + (f.length + 2) + " fields, expected at least 17");
        }
        try {
            return new ProcStat(Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
                    Long.parseLong(f[14]));
        } catch (NumberFormatException e) {
            throw new IOException("/proc/PID/stat: non-numeric CPU field in " + abbreviate(stat));
        }
    }

    /** This snapshot minus an earlier one (ticks used in between). */
    ProcStat minus(ProcStat earlier) {
        return new ProcStat(utime - earlier.utime, stime - earlier.stime, cutime - earlier.cutime,
                cstime - earlier.cstime);
    }

    /** Own plus waited-for children's ticks. */
    long totalTicks() {
        return utime + stime + cutime + cstime;
    }

    static double ticksToMs(long ticks, long clkTck) {
        return ticks * 1000.0 / clkTck;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s.strip() : s.substring(0, 80) + "...";
    }

    /** AT_CLKTCK in the ELF auxiliary vector: the kernel's USER_HZ, what sysconf(_SC_CLK_TCK) returns. */
    private static final long AT_CLKTCK = 17;

    /**
     * The clock-tick rate of /proc/PID/stat: read from this process's auxiliary vector (/proc/self/auxv,
     * 64-bit native-order words), else from {@code getconf CLK_TCK}. Never guessed: the caller reports
     * the failure instead of printing wrong milliseconds.
     */
    static long clockTicksPerSecond() throws IOException {
        try {
            long v = clkTckFromAuxv(Files.readAllBytes(Path.of("/proc/self/auxv")), ByteOrder.nativeOrder());
            if (v > 0) {
                return v;
            }
        } catch (IOException e) {
            // fall through to getconf
        }
        return clkTckFromGetconf();
    }

    /** AT_CLKTCK from an auxiliary vector of 64-bit (type, value) pairs; 0 when absent. */
    static long clkTckFromAuxv(byte[] auxv, ByteOrder order) {
        ByteBuffer b = ByteBuffer.wrap(auxv).order(order);
        while (b.remaining() >= 16) {
            long type = b.getLong();
            long value = b.getLong();
            if (type == 0) { // AT_NULL ends the vector
                return 0;
            }
            if (type == AT_CLKTCK) {
                return value;
            }
        }
        return 0;
    }

    private static long clkTckFromGetconf() throws IOException {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        try (InputStream in = p.getInputStream()) {
            String out = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("getconf CLK_TCK failed: " + out);
            }
            long v = Long.parseLong(out);
            if (v <= 0) {
                throw new IOException("getconf CLK_TCK printed " + out);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IOException("getconf CLK_TCK printed no number", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running getconf CLK_TCK", e);
        } finally {
            p.destroy();
        }
    }
}
