package letmein.fwd.nft;

import java.util.Objects;
import java.util.Optional;

import letmein.proto.config.NftFamily;
import letmein.proto.config.NftablesConfig;

/**
 * Where letmeinfwd works: family, table and the chain its lease rules go into, plus the names of the
 * sets it owns. Resolved once from {@code [NFTABLES]} so that everything below can rely on them. Two
 * modes ({@code letmeinfwd/README.md}, "Two firewall modes"):
 * <ul>
 * <li>{@code ownTable}: letmeinfwd's own {@code inet} table ({@code own-table = NAME}), in which it
 *     creates everything: the lease sets and the base chain {@value #OWN_CHAIN} on the input hook,
 *     whose last rule drops the protected ports;</li>
 * <li>upstream's mode: the admin's table and LETMEIN chains, which must exist.</li>
 * </ul>
 */
public record FirewallNames(NftFamily family, String table, String chainInput, Optional<String> chainForward,
        Optional<String> chainOutput, boolean ownTable) {
    /** Set of IPv4 port leases: {@code ipv4_addr . inet_proto . inet_service}, flags timeout. */
    public static final String SET_V4 = "letmein-v4";
    /** Set of IPv6 port leases: {@code ipv6_addr . inet_proto . inet_service}, flags timeout. */
    public static final String SET_V6 = "letmein-v6";
    /**
     * Every rule letmeinfwd installs carries a comment ending with this: it is how letmeinfwd tells its own
     * rules from the admin's, at start and at stop ({@code letmein.fwd.lease.FirewallSetup}).
     */
    public static final String COMMENT_SUFFIX = "/LETMEIN";
    /** Own-table mode: the base chain on the input hook. */
    public static final String OWN_CHAIN = "input";
    /**
     * Own-table mode: the base chain's priority. Any priority composes (nftables runs every base chain
     * of the hook, and a drop in any of them is final); before the usual filter priority 0, so a
     * protected port is refused before the host's rules spend time on it.
     */
    public static final int OWN_PRIORITY = -10;

    /** Upstream's mode: the admin's table and chains. */
    public FirewallNames(NftFamily family, String table, String chainInput, Optional<String> chainForward,
            Optional<String> chainOutput) {
        this(family, table, chainInput, chainForward, chainOutput, false);
    }

    public FirewallNames {
        Objects.requireNonNull(family);
        Objects.requireNonNull(table);
        Objects.requireNonNull(chainInput);
        Objects.requireNonNull(chainForward);
        Objects.requireNonNull(chainOutput);
    }

    /** The names from {@code [NFTABLES]}, or an error naming the missing option. */
    public static FirewallNames from(NftablesConfig c) throws NftException {
        if (c.ownTable().isPresent()) {
            return new FirewallNames(NftFamily.INET, c.ownTable().get(), OWN_CHAIN, Optional.empty(), Optional.empty(),
                    true);
        }
        NftFamily family = c.family().orElseThrow(
                () -> new NftException("[NFTABLES] family is not specified (need inet, ip or ip6; or set own-table = letmein "
                        + "for letmeinfwd's own table, letmeinfwd/README.md)"));
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
