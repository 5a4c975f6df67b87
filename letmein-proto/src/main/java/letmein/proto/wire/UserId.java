package letmein.proto.wire;

/** A user id ({@code [KEYS]} id); shown and configured as 8-digit upper-case hex. */
public record UserId(int value) implements Comparable<UserId> {
    /** Parses 1–8 hex digits; throws {@link IllegalArgumentException} with a user-facing message. */
    public static UserId parse(String hex) {
        return new UserId(HexId.parse(hex, "user"));
    }

    // Written out instead of the record's generated equals/hashCode: those bootstrap through
    // invokedynamic (ObjectMethods), which costs the short-lived client ~15 ms of method-handle
    // spinning at start-up (ids are HashMap keys in every config). Same semantics.
    @Override
    public boolean equals(Object o) {
        return o instanceof UserId other && other.value == value;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(value);
    }

    @Override
    public String toString() {
        return HexId.format(value);
    }

    @Override
    public int compareTo(UserId o) {
        return Integer.compareUnsigned(value, o.value);
    }
}
