package letmein.bench.load;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import letmein.client.net.KnockException;
import letmein.client.net.Progress;
import letmein.client.net.RetryPolicy;
import letmein.client.net.TcpExchange;
import letmein.client.net.Ticker;
import letmein.client.net.UdpExchange;
import letmein.proto.auth.Key;
import letmein.proto.auth.Messages;
import letmein.proto.auth.SecureRandomness;
import letmein.proto.session.ClientExchange;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * Load generator for the lab (docs/benchmarks.md): N concurrent clients, each doing full knocks (KNOCK,
 * CHALLENGE, RESPONSE, COMEIN) back to back over TCP or UDP against a real letmeind + letmeinfwd + nft, for
 * a bounded time and count. Reports throughput, latency percentiles, the success ratio and the daemons' resident
 * memory, as a table (stdout) and JSON (--json FILE).
 *
 * <p>Why a separate tool and not the {@code letmein} command: the command is one knock per JVM start; a load
 * test needs thousands per second from one process. Each knock runs the client's own exchange classes
 * ({@code letmein.client.net}), so the lab measures the code users run.
 *
 * <p>Safety: it refuses any server address that is not loopback or private (10/8, 172.16/12, 192.168/16,
 * fc00::/7), so it can only ever be pointed at a lab.
 *
 * <p>usage: LoadTool --server ADDR [--port 5800] [--transport tcp|udp] [--clients N] [--seconds S]
 * [--max-knocks N] [--timeout-ms MS] [--user HEX] [--resource HEX] [--rss NAME=PID]... [--json FILE]
 * [--label TEXT] [--source-base ADDR --sources N] [--flood-pps R]. --sources: each knock binds the next of
 * N source addresses counted up from ADDR (they must be on the client's interface), one lease per source.
 * --flood-pps: send random 56-byte UDP datagrams at R per second instead of knocking. The key comes from the environment variable LETMEIN_BENCH_KEY (64 hex digits), never
 * from the command line (visible in ps).
 */
public final class LoadTool {
    private LoadTool() {
    }

    /** The parsed command line. */
    record Options(InetSocketAddress server, boolean udp, int clients, int seconds, long maxKnocks, int timeoutMs,
                   UserId user, ResourceId resource, Key key, Map<String, Long> rssPids, Path json, String label,
                   InetAddress sourceBase, int sources, int floodPps) {
    }

    /** Why a knock failed, counted per kind. */
    enum Failure { TIMEOUT, GOAWAY, IO, BAD_REPLY }

    public static void main(String[] args) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("LoadTool: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            System.exit(run(o));
        } catch (IOException | InterruptedException e) {
            System.err.println("LoadTool: " + e);
            System.exit(1);
        }
    }

    static Options parse(String[] args) {
        String server = null;
        int port = 5800;
        boolean udp = false;
        int clients = 8;
        int seconds = 10;
        long max = Long.MAX_VALUE;
        int timeoutMs = 3000;
        String user = "00000001";
        String resource = "00000022";
        Map<String, Long> rss = new LinkedHashMap<>();
        Path json = null;
        String label = "";
        String sourceBase = null;
        int sources = 0;
        int floodPps = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--server": server = v; break;
                case "--port": port = intIn(a, v, 1, 65535); break;
                case "--transport":
                    if (!v.equals("tcp") && !v.equals("udp")) {
                        throw new IllegalArgumentException("--transport must be tcp or udp, not " + v);
                    }
                    udp = v.equals("udp");
                    break;
                case "--clients": clients = intIn(a, v, 1, 4096); break;
                case "--seconds": seconds = intIn(a, v, 1, 3600); break;
                case "--max-knocks": max = intIn(a, v, 1, Integer.MAX_VALUE); break;
                case "--timeout-ms": timeoutMs = intIn(a, v, 1, 60_000); break;
                case "--user": user = v; break;
                case "--resource": resource = v; break;
                case "--rss": {
                    int eq = v.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--rss needs NAME=PID, not " + v);
                    }
                    rss.put(v.substring(0, eq), (long) intIn(a, v.substring(eq + 1), 1, Integer.MAX_VALUE));
                    break;
                }
                case "--json": json = Path.of(v); break;
                case "--label": label = v; break;
                case "--source-base": sourceBase = v; break;
                case "--sources": sources = intIn(a, v, 1, 1_000_000); break;
                case "--flood-pps": floodPps = intIn(a, v, 1, 10_000_000); break;
                default: throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (server == null) {
            throw new IllegalArgumentException("--server ADDR is required (a loopback or private lab address)");
        }
        InetAddress addr;
        try {
            addr = InetAddress.getByName(server);
        } catch (IOException e) {
            throw new IllegalArgumentException("--server: cannot resolve " + server);
        }
        if (!labAddress(addr)) {
            throw new IllegalArgumentException("--server " + server + " is not a loopback or private address;"
                    + " this tool only drives the lab");
        }
        InetAddress base = null;
        if (sources > 0 || sourceBase != null) {
            if (sources == 0 || sourceBase == null) {
                throw new IllegalArgumentException("--sources N and --source-base ADDR go together");
            }
            try {
                base = InetAddress.getByName(sourceBase);
            } catch (IOException e) {
                throw new IllegalArgumentException("--source-base: cannot resolve " + sourceBase);
            }
            if (!labAddress(base) || base.getClass() != addr.getClass()) {
                throw new IllegalArgumentException("--source-base must be a private address of the server's family");
            }
        }
        if (floodPps > 0) { // garbage needs no key
            return new Options(new InetSocketAddress(addr, port), true, clients, seconds, max, timeoutMs,
                    UserId.parse(user), ResourceId.parse(resource), null, rss, json, label, base, sources, floodPps);
        }
        String keyHex = System.getenv("LETMEIN_BENCH_KEY");
        if (keyHex == null) {
            throw new IllegalArgumentException("LETMEIN_BENCH_KEY (the user's 64-hex-digit key) is not set");
        }
        Key key;
        UserId u;
        ResourceId r;
        try {
            key = Key.parseHex(keyHex.trim());
            u = UserId.parse(user);
            r = ResourceId.parse(resource);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad key, --user or --resource: " + e.getMessage());
        }
        return new Options(new InetSocketAddress(addr, port), udp, clients, seconds, max, timeoutMs, u, r, key, rss,
                json, label, base, sources, floodPps);
    }

    private static int intIn(String opt, String v, int lo, int hi) {
        try {
            int n = Integer.parseInt(v);
            if (n < lo || n > hi) {
                throw new IllegalArgumentException(opt + " must be in " + lo + ".." + hi + ", not " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs a number, not " + v);
        }
    }

    static boolean labAddress(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress()) { // site-local: 10/8, 172.16/12, 192.168/16
            return true;
        }
        return a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc; // ULA fc00::/7
    }

    /**
     * One client's results: latencies of successful knocks (ns) and failure counts. Each knock is one run of
     * the client's own {@link TcpExchange} or {@link UdpExchange} (the code {@code letmein knock} runs),
     * from the next source address when {@code --sources} is given. UDP makes a single attempt bounded by
     * {@code --timeout-ms} (no retries: a lost datagram must show in the success ratio, not be hidden by a
     * second attempt); TCP bounds each step by it.
     */
    static final class Worker implements Runnable {
        private final Options o;
        private final AtomicLong budget;
        private final long endNanos;
        private final TcpExchange tcp;
        private final UdpExchange udp;
        private final ClientExchange.Request request;
        private final Duration timeout;
        long[] lat = new long[1024];
        int n;
        final long[] failures = new long[Failure.values().length];

        Worker(Options o, AtomicLong budget, long endNanos) {
            this.o = o;
            this.budget = budget;
            this.endNanos = endNanos;
            Messages messages = new Messages(new SecureRandomness());
            this.timeout = Duration.ofMillis(o.timeoutMs());
            this.tcp = new TcpExchange(messages, Progress.silent());
            this.udp = new UdpExchange(messages, Ticker.system(), Progress.silent(),
                    new RetryPolicy(timeout, 1.0, timeout));
            this.request = new ClientExchange.Request(Operation.KNOCK, o.key(), o.user(), o.resource());
        }

        @Override
        public void run() {
            while (System.nanoTime() < endNanos && budget.getAndDecrement() > 0) {
                long t0 = System.nanoTime();
                Failure f = knock();
                long t1 = System.nanoTime();
                if (f == null) {
                    if (n == lat.length) {
                        lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = t1 - t0;
                } else {
                    failures[f.ordinal()]++;
                }
            }
        }

        /** One full knock; null on success, else why it failed. */
        private Failure knock() {
            try {
                InetAddress source = o.sources() > 0 ? nextSource(o) : null;
                if (o.udp()) {
                    udp.run(o.server(), source, request, timeout);
                } else {
                    tcp.run(o.server(), source, request, timeout);
                }
                return null;
            } catch (KnockException e) {
                return failure(e.kind());
            } catch (IOException e) { // no such source address
                return Failure.IO;
            }
        }
    }

    /** The load tool's failure columns for the client's failure kinds. */
    static Failure failure(KnockException.Kind kind) {
        if (kind == KnockException.Kind.NO_ANSWER) {
            return Failure.TIMEOUT; // silence, or a close without a reply
        }
        if (kind == KnockException.Kind.REJECTED) {
            return Failure.GOAWAY;
        }
        if (kind == KnockException.Kind.BAD_REPLY) {
            return Failure.BAD_REPLY;
        }
        return Failure.IO; // refused, unreachable
    }

    private static final AtomicLong NEXT_SOURCE = new AtomicLong();

    /** Source address number k mod --sources, counted up from --source-base (one lease per source). */
    static InetAddress nextSource(Options o) throws IOException {
        long k = NEXT_SOURCE.getAndIncrement() % o.sources();
        return offset(o.sourceBase(), k);
    }

    static InetAddress offset(InetAddress base, long k) throws IOException {
        byte[] b = base.getAddress();
        long carry = k;
        for (int i = b.length - 1; i >= 0 && carry != 0; i--) {
            long v = (b[i] & 0xff) + (carry & 0xff);
            b[i] = (byte) v;
            carry = (carry >>> 8) + (v >>> 8);
        }
        return InetAddress.getByAddress(b);
    }

    /**
     * Garbage flood: random 56-byte datagrams (never a valid MAC) to the control port at a paced rate,
     * from one thread, for --seconds. Reports what was actually sent: a 2-core machine may not reach the
     * asked rate, and the report must say so rather than claim it.
     */
    static int flood(Options o) throws IOException {
        java.util.Random rnd = new java.util.Random(System.nanoTime()); // garbage, not key material
        byte[][] pool = new byte[1024][Message.SIZE];
        for (byte[] f : pool) {
            rnd.nextBytes(f);
        }
        double loadBefore = loadAverage();
        long sent = 0;
        long errors = 0;
        try (java.nio.channels.DatagramChannel ch = java.nio.channels.DatagramChannel.open()) {
            ch.connect(o.server());
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(Message.SIZE);
            long start = System.nanoTime();
            long end = start + o.seconds() * 1_000_000_000L;
            long now;
            while ((now = System.nanoTime()) < end) {
                long due = (long) ((now - start) / 1e9 * o.floodPps());
                while (sent + errors < due) {
                    buf.clear();
                    buf.put(pool[(int) ((sent + errors) & 1023)]).flip();
                    try {
                        ch.write(buf);
                        sent++;
                    } catch (IOException e) { // ICMP port unreachable fed back, buffer full: count and go on
                        errors++;
                    }
                }
                if (sent + errors >= due) {
                    Thread.onSpinWait();
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("label", o.label());
            r.put("mode", "flood");
            r.put("server", o.server().getAddress().getHostAddress() + ":" + o.server().getPort());
            r.put("asked_pps", o.floodPps());
            r.put("sent", sent);
            r.put("send_errors", errors);
            r.put("achieved_pps", round(sent / elapsed));
            r.put("seconds", round(elapsed));
            r.put("load_before", loadBefore);
            r.put("load_after", loadAverage());
            System.out.printf(Locale.ROOT, "flood asked %d pkt/s, sent %d in %.1f s = %.0f pkt/s (%d send errors)%n",
                    o.floodPps(), sent, elapsed, sent / elapsed, errors);
            String json = Json.write(r);
            if (o.json() != null) {
                Files.writeString(o.json(), json + "\n", StandardCharsets.UTF_8);
            }
            System.out.println("JSON " + json);
        }
        return 0;
    }

    static int run(Options o) throws IOException, InterruptedException {
        if (o.floodPps() > 0) {
            return flood(o);
        }
        Map<String, Map<String, Long>> rssBefore = rss(o.rssPids());
        Map<String, Long> cpuBefore = cpu(o.rssPids());
        double loadBefore = loadAverage();
        AtomicLong budget = new AtomicLong(o.maxKnocks());
        long start = System.nanoTime();
        long end = start + o.seconds() * 1_000_000_000L;
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < o.clients(); i++) {
            Worker w = new Worker(o, budget, end);
            workers.add(w);
            Thread t = new Thread(w, "knocker-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(o.seconds() * 1000L + 2L * o.timeoutMs() + 5000); // bounded even if a socket hangs
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        Map<String, Map<String, Long>> rssAfter = rss(o.rssPids());
        Map<String, Long> cpuAfter = cpu(o.rssPids());
        double loadAfter = loadAverage();

        int total = 0;
        long[] fails = new long[Failure.values().length];
        for (Worker w : workers) {
            total += w.n;
            for (int i = 0; i < fails.length; i++) {
                fails[i] += w.failures[i];
            }
        }
        long[] all = new long[total];
        int k = 0;
        for (Worker w : workers) {
            System.arraycopy(w.lat, 0, all, k, w.n);
            k += w.n;
        }
        Arrays.sort(all);
        long failed = Arrays.stream(fails).sum();
        long attempts = total + failed;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("label", o.label());
        r.put("transport", o.udp() ? "udp" : "tcp");
        r.put("server", o.server().getAddress().getHostAddress() + ":" + o.server().getPort());
        r.put("clients", o.clients());
        r.put("seconds", round(elapsed));
        r.put("attempts", attempts);
        r.put("ok", total);
        r.put("success_ratio", attempts == 0 ? 0.0 : round4((double) total / attempts));
        Map<String, Object> fm = new LinkedHashMap<>();
        for (Failure f : Failure.values()) {
            fm.put(f.name().toLowerCase(Locale.ROOT), fails[f.ordinal()]);
        }
        r.put("failures", fm);
        r.put("knocks_per_s", round(total / elapsed));
        r.put("p50_ms", pct(all, 50));
        r.put("p90_ms", pct(all, 90));
        r.put("p99_ms", pct(all, 99));
        r.put("max_ms", all.length == 0 ? 0.0 : round(all[all.length - 1] / 1e6));
        r.put("load_before", loadBefore);
        r.put("load_after", loadAfter);
        r.put("rss_before_kib", rssBefore);
        r.put("rss_after_kib", rssAfter);
        Map<String, Object> cpuMs = new LinkedHashMap<>();
        Map<String, Object> cpuUsPerKnock = new LinkedHashMap<>();
        StringBuilder cpuLine = new StringBuilder("      CPU over the run (% of one core, per successful knock):");
        for (String name : cpuAfter.keySet()) {
            long before = cpuBefore.getOrDefault(name, -1L);
            long after = cpuAfter.get(name);
            if (before < 0 || after < 0) {
                continue; // the process was gone at one end of the run
            }
            double ms = (after - before) * 1000.0 / ProcStat.TICKS_PER_SECOND;
            cpuMs.put(name, round(ms));
            cpuUsPerKnock.put(name, total == 0 ? 0.0 : round(ms * 1000 / total));
            cpuLine.append(String.format(Locale.ROOT, "  %s %.0f%% (%.0f us)", name, ms / 10 / elapsed,
                    total == 0 ? 0.0 : ms * 1000 / total));
        }
        r.put("cpu_ms", cpuMs);
        r.put("cpu_us_per_knock", cpuUsPerKnock);
        String json = Json.write(r);
        System.out.printf(Locale.ROOT, "%-6s %-4s clients=%-4d %8.1f knocks/s  ok %d/%d (%.2f%%)  p50 %.2f  p90 %.2f  p99 %.2f ms"
                        + "  load %.2f->%.2f%n",
                o.label(), r.get("transport"), o.clients(), total / elapsed, total, attempts,
                attempts == 0 ? 0.0 : 100.0 * total / attempts, pct(all, 50), pct(all, 90), pct(all, 99), loadBefore,
                loadAfter);
        for (String name : rssAfter.keySet()) {
            System.out.printf(Locale.ROOT, "      %-9s RSS %6.1f -> %6.1f MiB (peak %6.1f MiB)%n", name,
                    rssBefore.get(name).getOrDefault("VmRSS", 0L) / 1024.0,
                    rssAfter.get(name).getOrDefault("VmRSS", 0L) / 1024.0,
                    rssAfter.get(name).getOrDefault("VmHWM", 0L) / 1024.0);
        }
        System.out.println(cpuLine);
        if (o.json() != null) {
            Files.writeString(o.json(), json + "\n", StandardCharsets.UTF_8);
        }
        System.out.println("JSON " + json);
        return attempts > 0 ? 0 : 1;
    }

    static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0.0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1; // nearest-rank
        return round(sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static double round4(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU ticks of each named daemon (with its children, e.g. letmeinfwd's nft) and, as "loadtool", of this
     * JVM, so a run shows where the cores went.
     */
    static Map<String, Long> cpu(Map<String, Long> pids) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            out.put(e.getKey(), ProcStat.cpuTicks(e.getValue()));
        }
        out.put("loadtool", ProcStat.selfTicks());
        return out;
    }

    /** VmRSS and VmHWM (KiB) of each named process, from /proc/PID/status; empty when it is gone. */
    static Map<String, Map<String, Long>> rss(Map<String, Long> pids) {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            Map<String, Long> m = new LinkedHashMap<>();
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + e.getValue() + "/status"))) {
                    if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:")) {
                        String[] f = line.split("\\s+");
                        m.put(f[0].substring(0, f[0].length() - 1), Long.parseLong(f[1]));
                    }
                }
            } catch (IOException | RuntimeException ex) {
                System.err.println("LoadTool: cannot read memory of " + e.getKey() + " (pid " + e.getValue() + "): " + ex);
            }
            out.put(e.getKey(), m);
        }
        return out;
    }
}
