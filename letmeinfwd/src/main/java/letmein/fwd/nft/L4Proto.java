package letmein.fwd.nft;

/** The transport protocol of a port lease or control-port rule. */
public enum L4Proto {
    TCP, UDP;

    /** nftables spelling ({@code tcp}/{@code udp}), used in set elements and payload matches. */
    public String nftName() {
        return this == TCP ? "tcp" : "udp";
    }
}
