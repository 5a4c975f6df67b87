package letmein.daemon.policy;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import letmein.proto.net.Addresses;

/**
 * At most N concurrent sessions per source, so one host (or one IPv6 customer prefix) cannot take
 * every session slot. The key is the IPv4 address (IPv4-mapped IPv6 counts as IPv4) or the IPv6
 * address masked to /64, the one network an IPv6 host usually has (a /56 would put every host of a
 * hosting LAN or a hotspot in one bucket with an attacker there). Memory is bounded by the
 * number of live sessions: a key disappears with its last session. Not thread-safe; used on the
 * event loop only.
 */
public final class SourceLimiter {
    /** The limiter key: canonical address bytes, IPv6 masked to /64. */
    public record SourceKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof SourceKey && Arrays.equals(bytes, ((SourceKey) o).bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return Arrays.toString(bytes);
        }
    }

    private final int maxPerSource;
    private final Map<SourceKey, Integer> counts = new HashMap<>();

    public SourceLimiter(int maxPerSource) {
        if (maxPerSource < 1) {
            throw new IllegalArgumentException("per-source limit must be at least 1, got " + maxPerSource);
        }
        this.maxPerSource = maxPerSource;
    }

    /** The key an address is counted under. */
    public static SourceKey keyOf(InetAddress address) {
        byte[] b = Addresses.canonical(address).getAddress();
        if (b.length == 16) {
            b = Arrays.copyOf(b, 8); // /64 = the first 8 bytes
        }
        return new SourceKey(b);
    }

    /** Takes a slot for {@code key}; false (nothing taken) if the source already has N sessions. */
    public boolean tryAcquire(SourceKey key) {
        int n = counts.getOrDefault(key, 0);
        if (n >= maxPerSource) {
            return false;
        }
        counts.put(key, n + 1);
        return true;
    }

    /** Returns a slot taken by {@link #tryAcquire}. */
    public void release(SourceKey key) {
        Integer n = counts.get(key);
        if (n == null) {
            throw new IllegalStateException("release without acquire for source " + key);
        }
        if (n <= 1) {
            counts.remove(key);
        } else {
            counts.put(key, n - 1);
        }
    }

    /** The per-source limit. */
    public int maxPerSource() {
        return maxPerSource;
    }

    /** Sessions currently counted for {@code key}. */
    public int count(SourceKey key) {
        return counts.getOrDefault(key, 0);
    }

    /** Number of distinct sources with live sessions (for leak checks). */
    public int sources() {
        return counts.size();
    }
}
