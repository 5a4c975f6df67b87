package letmein.daemon.policy;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Guards session admission for TCP and UDP together: first the per-source limit ({@code -N} per IPv4
 * address or IPv6 /64), then the global limit of {@code -n} sessions. For TCP ({@link #tryAdmitFairly})
 * a connection that has not yet sent a valid KNOCK holds its slot only until someone fairer needs it:
 * at the per-source limit a newcomer takes the source's own oldest such slot, and at the global limit
 * a source holding fewer sessions than the busiest source takes the busiest one's oldest such slot.
 * So a flood from a few addresses, or from a neighbour on the same /64, cannot keep anyone out. Sessions that
 * proved a key (UDP ones always have) are never taken. Not thread-safe: one event loop.
 */
public final class Admission {
    /** The answer of {@link #tryAdmit}. */
    public sealed interface Result permits Ticket, Refusal {
    }

    /** A granted admission; give it back with {@link #release}. */
    public static final class Ticket implements Result {
        private final SourceLimiter.SourceKey key;
        /** Closes the session when its slot is given to a fairer claim; null: never taken. */
        private final Runnable evict;
        private boolean released;
        private boolean knocked;

        private Ticket(SourceLimiter.SourceKey key, Runnable evict) {
            this.key = key;
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
    private final java.util.LinkedHashSet<Ticket> live = new java.util.LinkedHashSet<>();
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
        return admit(peer, null);
    }

    /**
     * As {@link #tryAdmit}, but when all sessions are taken, a source holding fewer sessions than the
     * busiest source gets the slot of the busiest source's oldest session that has not knocked yet;
     * {@code evict} closes this session if its own slot is taken that way later.
     */
    public Result tryAdmitFairly(InetAddress peer, Runnable evict) {
        return admit(peer, java.util.Objects.requireNonNull(evict));
    }

    private Result admit(InetAddress peer, Runnable evict) {
        SourceLimiter.SourceKey key = SourceLimiter.keyOf(peer);
        if (sources.count(key) >= sources.maxPerSource() && (evict == null || !evictOwn(key))) {
            return Refusal.TOO_MANY_FROM_SOURCE;
        }
        if (sessions >= maxSessions && (evict == null || !evictForFairness(key))) {
            return Refusal.TOO_MANY_SESSIONS;
        }
        sources.tryAcquire(key);
        sessions++;
        Ticket t = new Ticket(key, evict);
        live.add(t);
        onCapacityChange.run();
        return t;
    }

    /**
     * At its source's limit, a newcomer takes the slot of the source's own oldest session that has not
     * knocked: a neighbour on the same IPv6 /64 (or behind the same IPv4 NAT) holding idle connections
     * cannot keep a host that knocks at once out.
     */
    private boolean evictOwn(SourceLimiter.SourceKey key) {
        for (Ticket t : live) { // oldest first
            if (t.evictable() && t.key.equals(key)) {
                evict(t);
                return true;
            }
        }
        return false;
    }

    private void evict(Ticket victim) {
        evictions++;
        release(victim);
        victim.evict.run();
    }

    /**
     * Frees one slot for {@code claimant}: the oldest session that has not knocked, of the source with
     * the most sessions, if that source holds more than the claimant's.
     */
    private boolean evictForFairness(SourceLimiter.SourceKey claimant) {
        int mine = sources.count(claimant);
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
