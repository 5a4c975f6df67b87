package letmein.fwd.nft;

import java.util.Objects;
import java.util.Optional;

import letmein.proto.config.NftFamily;
import letmein.proto.config.NftablesConfig;

/**
 * Where letmeinfwd works in the admin's ruleset: family, table and the LETMEIN chains, plus the names
 * of the two sets it owns. Resolved once from {@code [NFTABLES]} so that everything below can rely on
 * family/table/chain-input being present.
 */
public record FirewallNames(NftFamily family, String table, String chainInput, Optional<String> chainForward,
        Optional<String> chainOutput) {
    /** Set of IPv4 port leases: {@code ipv4_addr . inet_proto . inet_service}, flags timeout. */
    public static final String SET_V4 = "letmein-v4";
    /** Set of IPv6 port leases: {@code ipv6_addr . inet_proto . inet_service}, flags timeout. */
    public static final String SET_V6 = "letmein-v6";
    /**
     * Every rule letmeinfwd installs carries a comment ending with this: it is how letmeinfwd tells its own
     * rules from the admin's, at start and at stop ({@code letmein.fwd.lease.FirewallSetup}).
     */
    public static final String COMMENT_SUFFIX = "/LETMEIN";

    public FirewallNames {
        Objects.requireNonNull(family);
        Objects.requireNonNull(table);
        Objects.requireNonNull(chainInput);
        Objects.requireNonNull(chainForward);
        Objects.requireNonNull(chainOutput);
    }

    /** The names from {@code [NFTABLES]}, or an error naming the missing option. */
    public static FirewallNames from(NftablesConfig c) throws NftException {
        NftFamily family = c.family().orElseThrow(
                () -> new NftException("[NFTABLES] family is not specified (need inet, ip or ip6)"));
        String table = c.table().orElseThrow(() -> new NftException("[NFTABLES] table is not specified"));
        String input = c.chainInput().orElseThrow(
                () -> new NftException("[NFTABLES] chain-input is not specified"));
        return new FirewallNames(family, table, input, c.chainForward(), c.chainOutput());
    }

    /** True if IPv4 clients can be served in this family. */
    public boolean hasV4() {
        return family != NftFamily.IP6;
    }

    /** True if IPv6 clients can be served in this family. */
    public boolean hasV6() {
        return family != NftFamily.IP;
    }
}
