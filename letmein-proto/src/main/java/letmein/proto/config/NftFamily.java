package letmein.proto.config;

/** {@code [NFTABLES] family}: which nftables table family letmeinfwd works in. */
public enum NftFamily {
    INET, IP, IP6;

    /** The nftables spelling. */
    public String nftName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
