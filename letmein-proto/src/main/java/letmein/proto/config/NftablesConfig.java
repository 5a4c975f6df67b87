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
}
