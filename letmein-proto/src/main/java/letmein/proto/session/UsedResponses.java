package letmein.proto.session;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The verified RESPONSEs to minted challenges, remembered for as long as their challenge could still
 * verify (its slot and the next): a RESPONSE captured and sent again, even from the client's own address
 * and port, then opens nothing. Keyed by the RESPONSE's MAC, not by the challenge: a replay is the same
 * bytes, while a new knock from the same address and port in the same slot (a port-preserving NAT, a
 * quick knock and revoke) gets the same challenge but answers it with a new salt and so a new MAC —
 * which only a key holder can make. Bounded: at {@code capacity} live entries it refuses new ones
 * (fails closed) instead of forgetting a live one; only key holders can fill it, one entry per knock.
 * Not thread-safe: letmeind uses it on its event loop.
 */
public final class UsedResponses {
    private record Entry(ByteBuffer mac, long slot) {
    }

    /** Outcome of {@link #use}. */
    public enum Use {
        /** First use: go on. */
        FIRST,
        /** Used before: a replay. */
        REPLAYED,
        /** Too many live entries to remember another: refuse for now. */
        FULL
    }

    private final int capacity;
    private final Set<ByteBuffer> live = new HashSet<>();
    private final ArrayDeque<Entry> bySlot = new ArrayDeque<>();

    public UsedResponses(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    /**
     * Records the RESPONSE MAC {@code mac}, answering a challenge minted in {@code slot}, as used, now
     * being {@code currentSlot}.
     */
    public Use use(byte[] mac, long slot, long currentSlot) {
        forgetBefore(currentSlot - 1);
        ByteBuffer key = ByteBuffer.wrap(mac.clone());
        if (live.contains(key)) {
            return Use.REPLAYED;
        }
        if (live.size() >= capacity) {
            return Use.FULL;
        }
        live.add(key);
        bySlot.addLast(new Entry(key, slot));
        return Use.FIRST;
    }

    /** Whether {@code mac} was used and is still remembered, now being {@code currentSlot}; records nothing. */
    public boolean contains(byte[] mac, long currentSlot) {
        forgetBefore(currentSlot - 1);
        return live.contains(ByteBuffer.wrap(mac));
    }

    /** Live entries (tests, memory checks). */
    public int size() {
        return live.size();
    }

    /** Drops entries minted before {@code oldestValidSlot}: their challenges can no longer verify. */
    private void forgetBefore(long oldestValidSlot) {
        // entries are added in slot order (a RESPONSE verifies for the current or previous slot only), so
        // the oldest are at the head; a previous-slot entry added after a current-slot one is at most one
        // slot out of order, which only delays its removal by a slot
        while (!bySlot.isEmpty() && bySlot.peekFirst().slot() < oldestValidSlot) {
            live.remove(bySlot.pollFirst().mac());
        }
    }
}
