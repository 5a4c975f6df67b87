package letmein.fwd.nft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The two things letmeinfwd asks of nftables: apply one atomic JSON transaction, and list a table.
 * An interface so the batcher's merging can be counted in unit tests. letmeinfwd applies leases through
 * {@link NftSession} (which falls back to {@link NftProcess}), and sets up, probes and lists through
 * {@link NftProcess}.
 */
public interface NftBackend {
    /** Applies {@code {"nftables":[…]}} atomically; all commands take effect or none. */
    void apply(ObjectNode document) throws NftException;

    /** {@code nft -j list table FAMILY TABLE}, parsed. */
    JsonNode listTable(FirewallNames names) throws NftException;

    /**
     * {@code nft -j -t list table FAMILY TABLE}: the same without set elements, so its cost does not grow
     * with the leases held (rules, chains and sets only).
     */
    default JsonNode listTableTerse(FirewallNames names) throws NftException {
        return listTable(names);
    }
}
