package letmein.proto.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code [NFTABLES]} (server only). Two ways to place letmeinfwd's rules, one or the other:
 * <ul>
 * <li>{@code own-table = NAME} (this project's own option, the shipped default): letmeinfwd owns the
 *     table {@code inet NAME} completely and composes with any ruleset of the host
 *     (letmeinfwd/README.md, "Two firewall modes");</li>
 * <li>upstream's mode: {@code family}, {@code table} and {@code chain-input} (and optionally
 *     {@code chain-forward}/{@code chain-output}) name chains in the admin's own table.</li>
 * </ul>
 * family/table/chain-input are optional here because letmeind starts without them; letmeinfwd requires
 * one of the two modes at start ({@link #requireComplete}).
 *
 * @param ownTable          {@code own-table}: the name of letmeinfwd's own {@code inet} table, or empty
 *                          for upstream's mode
 * @param maxNrRulesPerUser {@code max-nr-rules-per-user}, this project's own option (upstream ignores
 *                          options it does not know): how many of the {@code max-nr-rules} one user's
 *                          leases may take; 0 (the default) means an equal share for every user with
 *                          a key ({@link #perUserLimit})
 */
public record NftablesConfig(String exe, Optional<NftFamily> family, Optional<String> table,
        Optional<String> chainInput, Optional<String> chainForward, Optional<String> chainOutput,
        Duration timeout, int maxNrRules, int maxNrRulesPerUser, Optional<String> ownTable) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(600);
    public static final int DEFAULT_MAX_NR_RULES = 100;
    public static final int MAX_NR_RULES_CLAMP = 1_000_000;
    public static final NftablesConfig DEFAULT = new NftablesConfig("nft", Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_TIMEOUT, DEFAULT_MAX_NR_RULES, 0, Optional.empty());

    /** Without {@code max-nr-rules-per-user}: every user gets an equal share. */
    public NftablesConfig(String exe, Optional<NftFamily> family, Optional<String> table, Optional<String> chainInput,
            Optional<String> chainForward, Optional<String> chainOutput, Duration timeout, int maxNrRules) {
        this(exe, family, table, chainInput, chainForward, chainOutput, timeout, maxNrRules, 0, Optional.empty());
    }

    /** Upstream's mode (no {@code own-table}). */
    public NftablesConfig(String exe, Optional<NftFamily> family, Optional<String> table, Optional<String> chainInput,
            Optional<String> chainForward, Optional<String> chainOutput, Duration timeout, int maxNrRules,
            int maxNrRulesPerUser) {
        this(exe, family, table, chainInput, chainForward, chainOutput, timeout, maxNrRules, maxNrRulesPerUser,
                Optional.empty());
    }

    public NftablesConfig {
        Objects.requireNonNull(exe);
        Objects.requireNonNull(family);
        Objects.requireNonNull(table);
        Objects.requireNonNull(chainInput);
        Objects.requireNonNull(chainForward);
        Objects.requireNonNull(chainOutput);
        Objects.requireNonNull(timeout);
        Objects.requireNonNull(ownTable);
        if (maxNrRulesPerUser < 0) {
            throw new IllegalArgumentException("max-nr-rules-per-user must not be negative");
        }
    }

    /**
     * How many leases (set elements and jump rules) one user may hold: {@code max-nr-rules-per-user} if
     * given, else an equal share of what the control-port rules leave — so that no user's knocks can
     * use up another user's share, whatever they do. At least 1.
     *
     * @param controlRules rules letmeinfwd itself counts against max-nr-rules
     * @param users        users with a key
     */
    public int perUserLimit(int controlRules, int users) {
        if (maxNrRulesPerUser > 0) {
            return maxNrRulesPerUser;
        }
        return Math.max(1, (maxNrRules - controlRules) / Math.max(1, users));
    }

    /**
     * What letmeinfwd needs before it can touch the firewall: {@code own-table}, or family, table and chain-input. letmeind
     * does not call this (it never runs nft).
     *
     * @param file the config file, for the message
     */
    public void requireComplete(java.nio.file.Path file) throws ConfigException {
        if (ownTable.isPresent()) {
            return;
        }
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
