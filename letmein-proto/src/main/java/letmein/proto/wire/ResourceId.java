package letmein.proto.wire;

/** A resource id ({@code [RESOURCES]} id); shown and configured as 8-digit upper-case hex. */
public record ResourceId(int value) implements Comparable<ResourceId> {
    /** Parses 1–8 hex digits; throws {@link IllegalArgumentException} with a user-facing message. */
    public static ResourceId parse(String hex) {
        return new ResourceId(HexId.parse(hex, "resource"));
    }

    @Override
    public String toString() {
        return HexId.format(value);
    }

    @Override
    public int compareTo(ResourceId o) {
        return Integer.compareUnsigned(value, o.value);
    }
}
