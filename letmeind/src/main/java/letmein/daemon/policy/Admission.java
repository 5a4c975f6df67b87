package letmein.daemon.policy;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Guards session admission for TCP and UDP together: first the per-source limit, then the global
 * limit of {@code -n} sessions. Not thread-safe: every transport runs on the one event loop.
 */
public final class Admission {
    /** The answer of {@link #tryAdmit}. */
    public sealed interface Result permits Ticket, Refusal {
    }

    /** A granted admission; give it back with {@link #release}. */
    public static final class Ticket implements Result {
        private final SourceLimiter.SourceKey key;
        private boolean released;

        private Ticket(SourceLimiter.SourceKey key) {
            this.key = key;
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

    /** Per-source check, then the global limit: a {@link Ticket}, or the {@link Refusal} reason. */
    public Result tryAdmit(InetAddress peer) {
        SourceLimiter.SourceKey key = SourceLimiter.keyOf(peer);
        if (!sources.tryAcquire(key)) {
            return Refusal.TOO_MANY_FROM_SOURCE;
        }
        if (sessions >= maxSessions) {
            sources.release(key);
            return Refusal.TOO_MANY_SESSIONS;
        }
        sessions++;
        onCapacityChange.run();
        return new Ticket(key);
    }

    /** Returns a ticket's slots; a second release of the same ticket is ignored. */
    public void release(Ticket t) {
        if (t.released) {
            return;
        }
        t.released = true;
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
}
