/**
 * Everything that speaks nftables, and nothing that knows about requests or leases: the names from
 * {@code [NFTABLES]}, the JSON commands built as trees (never spliced text), their text form, and the
 * ways to apply them ({@link letmein.fwd.nft.NftBackend}): the long-lived {@code nft -j -i} session for
 * leases, one nft process per call for start-up and listing, and the batcher that merges concurrent
 * changes into one transaction.
 */
package letmein.fwd.nft;
