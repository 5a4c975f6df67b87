package letmein.bench.load;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU used during one load run by each named process (the daemons given with --rss NAME=PID) and by the
 * load tool itself, from two /proc/PID/stat snapshots. Why: the load generator shares the machine's
 * cores with both daemons, so "knocks/s" alone cannot say where the CPU goes; CPU µs per successful
 * knock per process can.
 */
final class CpuUsage {
    /** The key of the load tool's own process in the report. */
    static final String SELF = "loadtool";

    private final long clkTck;
    private final Map<String, String> pids;
    private final Map<String, ProcStat> before = new LinkedHashMap<>();
    private final Map<String, String> errors = new LinkedHashMap<>();

    private CpuUsage(long clkTck, Map<String, String> pids) {
        this.clkTck = clkTck;
        this.pids = pids;
    }

    /** Takes the "before" snapshot of every named process and of this one. */
    static CpuUsage start(Map<String, Long> named) throws IOException {
        Map<String, String> pids = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : named.entrySet()) {
            pids.put(e.getKey(), Long.toString(e.getValue()));
        }
        pids.put(SELF, "self");
        CpuUsage u = new CpuUsage(ProcStat.clockTicksPerSecond(), pids);
        for (Map.Entry<String, String> e : pids.entrySet()) {
            try {
                u.before.put(e.getKey(), ProcStat.read(e.getValue()));
            } catch (IOException ex) {
                u.errors.put(e.getKey(), "cannot read /proc/" + e.getValue() + "/stat before the run: " + ex.getMessage());
            }
        }
        return u;
    }

    long clockTicksPerSecond() {
        return clkTck;
    }

    /**
     * Takes the "after" snapshot; returns, per process, the CPU used in between (or an "error" entry when
     * the process could not be read - e.g. it exited, which is itself a finding).
     */
    Map<String, Map<String, Object>> finish(long okKnocks) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : pids.entrySet()) {
            String name = e.getKey();
            ProcStat b = before.get(name);
            if (b == null) {
                out.put(name, Map.of("error", errors.get(name)));
                continue;
            }
            try {
                out.put(name, entry(ProcStat.read(e.getValue()).minus(b), clkTck, okKnocks));
            } catch (IOException ex) {
                out.put(name, Map.of("error", "cannot read /proc/" + e.getValue() + "/stat after the run: "
                        + ex.getMessage()));
            }
        }
        return out;
    }

    /** One process's figures: total, user, system and children's CPU in ms; µs per successful knock. */
    static Map<String, Object> entry(ProcStat used, long clkTck, long okKnocks) {
        Map<String, Object> m = new LinkedHashMap<>();
        double total = ProcStat.ticksToMs(used.totalTicks(), clkTck);
        m.put("cpu_ms", round1(total));
        m.put("user_ms", round1(ProcStat.ticksToMs(used.utime(), clkTck)));
        m.put("sys_ms", round1(ProcStat.ticksToMs(used.stime(), clkTck)));
        m.put("children_ms", round1(ProcStat.ticksToMs(used.cutime() + used.cstime(), clkTck)));
        m.put("us_per_knock", okKnocks > 0 ? round1(total * 1000.0 / okKnocks) : null);
        return m;
    }

    /** Table lines for stdout, one per process. */
    static List<String> lines(Map<String, Map<String, Object>> report, double elapsedSeconds) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> e : report.entrySet()) {
            Map<String, Object> m = e.getValue();
            if (m.containsKey("error")) {
                out.add(String.format(Locale.ROOT, "      %-9s CPU unknown: %s", e.getKey(), m.get("error")));
                continue;
            }
            double ms = (Double) m.get("cpu_ms");
            Object per = m.get("us_per_knock");
            out.add(String.format(Locale.ROOT,
                    "      %-9s CPU %8.0f ms (%5.1f%% of one core; user %.0f, sys %.0f, children %.0f)  %s",
                    e.getKey(), ms, elapsedSeconds > 0 ? ms / 10.0 / elapsedSeconds : 0.0, m.get("user_ms"),
                    m.get("sys_ms"), m.get("children_ms"),
                    per == null ? "no successful knock" : String.format(Locale.ROOT, "%.1f us/knock", (Double) per)));
        }
        return out;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
