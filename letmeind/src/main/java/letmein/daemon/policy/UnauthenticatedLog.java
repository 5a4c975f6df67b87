package letmein.daemon.policy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import letmein.proto.daemon.DaemonLog;
import letmein.proto.session.Decision;

/**
 * The log of exchanges that failed before the peer proved it holds a key (unknown user, bad KNOCK MAC,
 * an unexpected message, a CHALLENGE never answered, a connection that sent nothing). Anyone can cause
 * them — over UDP even from forged addresses — so the log must grow with what key holders do, not with
 * what an attacker sends:
 * <ul>
 * <li>a retransmission (the same opening bytes from the same address: the client resends one KNOCK)
 *     is not a new failure and writes nothing, also when it comes in the next window;</li>
 * <li>at most {@code linesPerWindow} failures per window are written one per line, as usual — in all
 *     (UDP: any source can be forged, so a per-source budget would not bound anything) or per source
 *     prefix (TCP: the address is real);</li>
 * <li>the rest are counted, and one summary line per window gives their number, reasons and top
 *     sources.</li>
 * </ul>
 * With {@code debug = true} every failure is written. Not thread-safe: used on letmeind's event loop.
 */
public final class UnauthenticatedLog {
    /** Distinct sources and reasons counted per window before the rest are lumped together. */
    private static final int MAX_KEYS = 1024;
    private static final int TOP = 5;

    private final DaemonLog log;
    private final String transport;
    private final boolean perSource;
    private final Map<String, Integer> writtenBySource = new HashMap<>();
    private final int linesPerWindow;
    private final int windowSeconds;
    private final boolean debug;
    private int written;
    private long suppressed;
    private final Map<String, Long> reasons = new HashMap<>();
    private final Map<String, Long> sources = new HashMap<>();
    /** Openings seen in this window and in the one before: a retransmission may straddle the window's end. */
    private Set<ByteBuffer> seen = new HashSet<>();
    private Set<ByteBuffer> seenBefore = new HashSet<>();

    /**
     * @param transport "UDP" or "TCP", for the summary line
     * @param perSource the budget of lines is per source prefix (IPv4 address, IPv6 /64), not in all
     */
    public UnauthenticatedLog(DaemonLog log, String transport, boolean perSource, int linesPerWindow,
            int windowSeconds, boolean debug) {
        this.log = log;
        this.transport = transport;
        this.perSource = perSource;
        this.linesPerWindow = linesPerWindow;
        this.windowSeconds = windowSeconds;
        this.debug = debug;
    }

    /**
     * One failed exchange. {@code opening} identifies the datagram that opened it (its MAC field, unique
     * per knock), so that a retransmission of the same knock is recognised; may be null.
     */
    public void failure(Decision d, byte[] opening) {
        line(d.peerIp(), d.logLine(), d.reason(), d.closedWithoutMessage(), opening);
    }

    /** A connection refused before any exchange (per-source limit): {@code line} is its log line. */
    public void refused(java.net.InetAddress peer, String line) {
        line(letmein.proto.net.Addresses.text(peer), line, "Too many simultaneous connections", false, null);
    }

    private void line(String peerIp, String text, String reason, boolean quiet, byte[] opening) {
        if (debug) {
            write(text, quiet);
            return;
        }
        if (opening != null) {
            ByteBuffer k = ByteBuffer.allocate(opening.length + peerIp.length()).put(opening)
                    .put(peerIp.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            k.flip();
            if (seen.contains(k) || seenBefore.contains(k)) {
                return;
            }
            if (seen.size() < MAX_KEYS * 4) {
                seen.add(k);
            }
        }
        if (underBudget(peerIp)) {
            write(text, quiet);
            return;
        }
        suppressed++;
        count(reasons, reasonClass(reason));
        count(sources, peerIp);
    }

    private boolean underBudget(String peerIp) {
        if (!perSource) {
            return written++ < linesPerWindow;
        }
        String prefix = prefixOf(peerIp);
        int n = writtenBySource.getOrDefault(prefix, 0);
        if (n >= linesPerWindow || (n == 0 && writtenBySource.size() >= MAX_KEYS)) {
            return false;
        }
        writtenBySource.put(prefix, n + 1);
        return true;
    }

    /** The prefix a source is limited by: the IPv4 address, or the IPv6 /64 (as the admission counts it). */
    private static String prefixOf(String peerIp) {
        try {
            return SourceLimiter.keyOf(java.net.InetAddress.getByName(peerIp)).toString(); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            return peerIp;
        }
    }

    private void write(String text, boolean quiet) {
        if (quiet) {
            log.info(text);
        } else {
            log.warn(text);
        }
    }

    /** Ends the window (a timer calls this every {@code windowSeconds}): the summary, if anything was held back. */
    public void endWindow() {
        if (suppressed > 0) {
            log.warn(transport + ": " + suppressed + " more failed exchanges before authentication in the last "
                    + windowSeconds + " s, not logged one by one (debug = true logs each): reasons "
                    + top(reasons) + "; top sources " + top(sources) + " result=suppressed count=" + suppressed);
        }
        written = 0;
        writtenBySource.clear();
        suppressed = 0;
        reasons.clear();
        sources.clear();
        seenBefore = seen;
        seen = new HashSet<>();
    }

    private static void count(Map<String, Long> m, String key) {
        if (m.size() >= MAX_KEYS && !m.containsKey(key)) {
            key = "other";
        }
        m.merge(key, 1L, Long::sum);
    }

    /** The reason without the ids some reasons carry, so that counts group. */
    static String reasonClass(String reason) {
        int cut = reason.length();
        for (int i = 0; i < reason.length(); i++) {
            if (Character.isDigit(reason.charAt(i))) {
                cut = i;
                break;
            }
        }
        String r = reason.substring(0, cut).strip();
        return (r.isEmpty() ? "other" : r).replace(' ', '_').replace("'", "").replace("\"", "");
    }

    private static String top(Map<String, Long> m) {
        List<Map.Entry<String, Long>> es = new ArrayList<>(m.entrySet());
        es.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(TOP, es.size()); i++) {
            out.put(es.get(i).getKey(), es.get(i).getValue());
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Long> e : out.entrySet()) {
            b.append(b.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
        }
        if (es.size() > TOP) {
            b.append(",...");
        }
        return b.toString();
    }
}
