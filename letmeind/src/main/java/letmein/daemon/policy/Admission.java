package letmein.daemon.policy;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;

/**
 * Guards session admission for TCP and UDP together: first the per-source limit ({@code -N} per IPv4
 * address or IPv6 /64), then the global limit of {@code -n} sessions. A TCP connection that has not yet
 * sent a valid KNOCK ({@link #tryAdmitFairly}) holds its slot only until someone fairer needs it:
 * <ul>
 * <li>at the per-source limit, a newcomer takes the oldest such slot of an address in its prefix that
 *     holds more sessions than the newcomer's address, else its own address's oldest such slot: a
 *     neighbour on the same /64 holding idle connections cannot keep a host that knocks at once out, and
 *     the neighbour's own new connections displace only its own;</li>
 * <li>at the global limit, a source holding fewer sessions than the busiest source takes the busiest
 *     one's oldest such slot.</li>
 * </ul>
 * A session that proved a key ({@link #tryAdmitVerified}: a UDP peer whose RESPONSE verified) takes such
 * a slot whenever it needs one, and is never taken itself; nor is a TCP session once it knocked. So a
 * flood of idle connections, from a few addresses or from a neighbour, keeps nobody with a key out.
 * Not thread-safe: one event loop.
 */
public final class Admission {
    /** The answer of {@link #tryAdmit}. */
    public sealed interface Result permits Ticket, Refusal {
    }

    /** A granted admission; give it back with {@link #release}. */
    public static final class Ticket implements Result {
        private final SourceLimiter.SourceKey key;
        private final InetAddress address;
        /** Closes the session when its slot is given to a fairer claim; null: never taken. */
        private final Runnable evict;
        private boolean released;
        private boolean knocked;

        private Ticket(SourceLimiter.SourceKey key, InetAddress address, Runnable evict) {
            this.key = key;
            this.address = address;
            this.evict = evict;
        }

        /** The session sent a valid KNOCK (or REVOKE): its slot is no longer taken for a fairer claim. */
        public void knocked() {
            knocked = true;
        }

        boolean evictable() {
            return evict != null && !knocked && !released;
        }
    }

    /** Why admission was refused. */
    public enum Refusal implements Result {
        TOO_MANY_FROM_SOURCE,
        TOO_MANY_SESSIONS
    }

    private final SourceLimiter sources;
    private final int maxSessions;
    private int sessions;
    /** Live tickets, oldest first. */
    private final LinkedHashSet<Ticket> live = new LinkedHashSet<>();
    private long evictions;
    private Runnable onCapacityChange = () -> { };

    public Admission(int maxSessions, int maxPerSource) {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("session limit must be at least 1, got " + maxSessions);
        }
        this.maxSessions = maxSessions;
        this.sources = new SourceLimiter(Math.min(maxPerSource, maxSessions));
    }

    /** Called after every acquire/release, so the TCP acceptor can pause/resume accepting. */
    public void onCapacityChange(Runnable r) {
        this.onCapacityChange = Objects.requireNonNull(r);
    }

    /** Per-source check, then the global limit: a {@link Ticket} that is never taken, or the refusal. */
    public Result tryAdmit(InetAddress peer) {
        return admit(peer, null, false);
    }

    /**
     * As {@link #tryAdmit}, but when the source's or all sessions are taken, the fairer claim described
     * above may take a slot of a session that has not knocked yet; {@code evict} closes this session if
     * its own slot is taken that way later.
     */
    public Result tryAdmitFairly(InetAddress peer, Runnable evict) {
        return admit(peer, Objects.requireNonNull(evict), false);
    }

    /**
     * For a peer that already proved a key (a verified UDP RESPONSE): a ticket that is never taken, and
     * that takes the slot of a session that has not knocked yet when its source's or all sessions are in
     * use — the oldest one of the address (then the source) holding the most.
     */
    public Result tryAdmitVerified(InetAddress peer) {
        return admit(peer, null, true);
    }

    private Result admit(InetAddress peer, Runnable evict, boolean verified) {
        SourceLimiter.SourceKey key = SourceLimiter.keyOf(peer);
        boolean claims = evict != null || verified;
        if (sources.count(key) >= sources.maxPerSource() && (!claims || !evictInPrefix(key, peer, verified))) {
            return Refusal.TOO_MANY_FROM_SOURCE;
        }
        if (sessions >= maxSessions && (!claims || !evictForFairness(key, verified))) {
            return Refusal.TOO_MANY_SESSIONS;
        }
        sources.tryAcquire(key);
        sessions++;
        Ticket t = new Ticket(key, peer, evict);
        live.add(t);
        onCapacityChange.run();
        return t;
    }

    /**
     * At its prefix's limit, frees one slot of the prefix for a newcomer from {@code address}: the oldest
     * session that has not knocked of an address holding more sessions than the newcomer's (for a
     * verified newcomer: of the address holding the most), else of the newcomer's own address.
     */
    private boolean evictInPrefix(SourceLimiter.SourceKey key, InetAddress address, boolean verified) {
        Map<InetAddress, Integer> perAddress = new HashMap<>();
        for (Ticket t : live) {
            if (t.key.equals(key)) {
                perAddress.merge(t.address, 1, Integer::sum);
            }
        }
        int mine = verified ? 0 : perAddress.getOrDefault(address, 0);
        Ticket victim = null;
        int most = mine;
        Ticket ownOldest = null;
        for (Ticket t : live) { // oldest first, so among equals the oldest wins
            if (!t.evictable() || !t.key.equals(key)) {
                continue;
            }
            int n = perAddress.get(t.address);
            if (n > most) {
                victim = t;
                most = n;
            }
            if (ownOldest == null && t.address.equals(address)) {
                ownOldest = t;
            }
        }
        if (victim == null) {
            victim = ownOldest;
        }
        if (victim == null) {
            return false;
        }
        evict(victim);
        return true;
    }

    private void evict(Ticket victim) {
        evictions++;
        release(victim);
        victim.evict.run();
    }

    /**
     * Frees one slot for {@code claimant}: the oldest session that has not knocked, of the source with
     * the most sessions, if that source holds more than the claimant's (any source, for a verified claimant).
     */
    private boolean evictForFairness(SourceLimiter.SourceKey claimant, boolean verified) {
        int mine = verified ? 0 : sources.count(claimant);
        Ticket victim = null;
        int busiest = mine;
        for (Ticket t : live) { // oldest first, so among equals the oldest wins
            if (t.evictable() && sources.count(t.key) > busiest) {
                victim = t;
                busiest = sources.count(t.key);
            }
        }
        if (victim == null) {
            return false;
        }
        evict(victim);
        return true;
    }

    /** Returns a ticket's slots; a second release of the same ticket is ignored. */
    public void release(Ticket t) {
        if (t.released) {
            return;
        }
        t.released = true;
        live.remove(t);
        sources.release(t.key);
        sessions--;
        onCapacityChange.run();
    }

    public boolean full() {
        return sessions >= maxSessions;
    }

    public int sessions() {
        return sessions;
    }

    public int maxSessions() {
        return maxSessions;
    }

    public int sources() {
        return sources.sources();
    }

    /** Sessions closed so far to give their slot to a source with fewer sessions. */
    public long evictions() {
        return evictions;
    }
}
