package letmein.fwd.preflight;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import letmein.fwd.nft.FirewallNames;
import letmein.fwd.nft.NftBackend;
import letmein.fwd.nft.NftException;
import letmein.proto.config.CheckedServerConfig;
import letmein.proto.config.ConfigProblem;

/**
 * {@code letmeinfwd --check-config} as root, in upstream's mode (the admin's ruleset holds the table and
 * the LETMEIN chains): does the live ruleset have the {@code [NFTABLES]} table and the chains of
 * chain-input, chain-forward and chain-output? Asks {@code nft -j list table FAMILY TABLE} once and
 * reads nothing else; letmeinfwd's start checks the same again (it never creates the admin's table or
 * chains), so a config that passes here does not fail there for this reason.
 */
public final class RulesetCheck {
    private RulesetCheck() {
    }

    /** True if this process runs as root (uid 0): only then may it list the ruleset. */
    public static boolean runningAsRoot() {
        try {
            return Integer.valueOf(0).equals(java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"),
                    "unix:uid"));
        } catch (java.io.IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** The missing table or chains, each at the line of its option. */
    public static List<ConfigProblem> check(CheckedServerConfig checked, FirewallNames names, NftBackend nft) {
        List<ConfigProblem> problems = new ArrayList<>();
        String table = names.family().nftName() + " " + names.table();
        String load = "load a ruleset that has it, e.g. 'nft -f /usr/share/doc/letmein/examples/nftables.conf' "
                + "(conf/nftables.conf in the source tree), or merge that table into your own ruleset";
        JsonNode listed;
        try {
            listed = nft.listTable(names);
        } catch (NftException e) {
            problems.add(problem(checked, "table", "[NFTABLES] family = " + names.family().nftName() + ", table = "
                    + names.table() + ": the live ruleset has no usable table '" + table + "' (" + e.getMessage()
                    + "). letmeinfwd never creates it. Fix: " + load));
            return problems;
        }
        Set<String> chains = new HashSet<>();
        for (JsonNode item : listed.path("nftables")) {
            JsonNode chain = item.get("chain");
            if (chain != null) {
                chains.add(chain.path("name").asText());
            }
        }
        chain(checked, chains, table, "chain-input", Optional.of(names.chainInput())).ifPresent(problems::add);
        chain(checked, chains, table, "chain-forward", names.chainForward()).ifPresent(problems::add);
        chain(checked, chains, table, "chain-output", names.chainOutput()).ifPresent(problems::add);
        return problems;
    }

    private static Optional<ConfigProblem> chain(CheckedServerConfig checked, Set<String> chains, String table,
            String option, Optional<String> chain) {
        if (chain.isEmpty() || chains.contains(chain.get())) {
            return Optional.empty();
        }
        String c = chain.get();
        return Optional.of(problem(checked, option, "[NFTABLES] " + option + " = " + c + ": table '" + table
                + "' of the live ruleset has no chain '" + c + "', and letmeinfwd never creates it. Fix: 'nft add "
                + "chain " + table + " " + c + "' and a jump to it from the matching base chain (as in "
                + "conf/nftables.conf), or correct " + option));
    }

    private static ConfigProblem problem(CheckedServerConfig checked, String option, String message) {
        return ConfigProblem.of(checked.config().file(), checked.document().lineOf("NFTABLES", option),
                ConfigProblem.Severity.ERROR, message);
    }
}
