package letmein.proto.wire;

/** A user id ({@code [KEYS]} id); shown and configured as 8-digit upper-case hex. */
public record UserId(int value) implements Comparable<UserId> {
    /** Parses 1–8 hex digits; throws {@link IllegalArgumentException} with a user-facing message. */
    public static UserId parse(String hex) {
        return new UserId(HexId.parse(hex, "user"));
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
