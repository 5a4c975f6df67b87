package letmein.proto.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code [NFTABLES]} (server only). family/table/chain-input are optional here because letmeind starts
 * without them; letmeinfwd requires them at start ({@link #requireComplete}).
 */
public record NftablesConfig(String exe, Optional<NftFamily> family, Optional<String> table,
        Optional<String> chainInput, Optional<String> chainForward, Optional<String> chainOutput,
        Duration timeout, int maxNrRules) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(600);
    public static final int DEFAULT_MAX_NR_RULES = 100;
    public static final int MAX_NR_RULES_CLAMP = 1_000_000;
    public static final NftablesConfig DEFAULT = new NftablesConfig("nft", Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_TIMEOUT, DEFAULT_MAX_NR_RULES);

    public NftablesConfig {
        Objects.requireNonNull(exe);
        Objects.requireNonNull(family);
        Objects.requireNonNull(table);
        Objects.requireNonNull(chainInput);
        Objects.requireNonNull(chainForward);
        Objects.requireNonNull(chainOutput);
        Objects.requireNonNull(timeout);
    }

    /**
     * What letmeinfwd needs before it can touch the firewall: family, table and chain-input. letmeind
     * does not call this (it never runs nft).
     *
     * @param file the config file, for the message
     */
    public void requireComplete(java.nio.file.Path file) throws ConfigException {
        if (family.isEmpty()) {
            throw new ConfigException(file, 0, "[NFTABLES] Unknown nftables family: 'family' is not specified (inet, ip or ip6)");
        }
        if (table.isEmpty()) {
            throw new ConfigException(file, 0, "[NFTABLES] nftables table not specified.");
        }
        if (chainInput.isEmpty()) {
            throw new ConfigException(file, 0, "[NFTABLES] nftables chain-input not specified.");
        }
    }
}
