package letmein.fwd.lease;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import letmein.fwd.nft.FirewallNames;
import letmein.fwd.nft.JsonText;
import letmein.fwd.nft.L4Proto;
import letmein.fwd.nft.NftBackend;
import letmein.fwd.nft.NftCommands;
import letmein.fwd.nft.NftException;
import letmein.proto.config.ControlPort;
import letmein.proto.daemon.DaemonLog;

/**
 * Start-up reconciliation and shutdown cleanup. At start: checks that the admin's table and chains
 * exist, then in ONE transaction removes what an earlier run left behind (rules whose comment ends in
 * {@code /LETMEIN}, the lease sets), creates the lease sets and the rules matching them, and opens the
 * control port. At stop: removes all of it, again atomically.
 */
public final class FirewallSetup {
    private final NftBackend nft;
    private final FirewallNames names;
    private final NftCommands json;
    private final ControlPort control;
    private final DaemonLog log;

    public FirewallSetup(NftBackend nft, FirewallNames names, ControlPort control, DaemonLog log) {
        this.nft = nft;
        this.names = names;
        this.json = new NftCommands(names);
        this.control = control;
        this.log = log;
    }

    /** Number of control-port rules {@link #start()} installs (counted against max-nr-rules). */
    public int controlRules() {
        return (control.tcp() ? 1 : 0) + (control.udp() ? 1 : 0);
    }

    /** Verifies the ruleset, removes leftovers and installs sets, set rules and control-port rules. */
    public void start() throws NftException {
        JsonNode table = listVerified();
        List<ObjectNode> cmds = new ArrayList<>(leftovers(table));
        int stale = cmds.size();
        if (names.hasV4()) {
            cmds.add(json.addSet(true));
            cmds.add(json.addSetRule(true));
        }
        if (names.hasV6()) {
            cmds.add(json.addSet(false));
            cmds.add(json.addSetRule(false));
        }
        if (control.tcp()) {
            cmds.add(json.addControlRule(control.port(), L4Proto.TCP));
        }
        if (control.udp()) {
            cmds.add(json.addControlRule(control.port(), L4Proto.UDP));
        }
        ObjectNode doc = NftCommands.document(cmds);
        log.debug(() -> "nft -j -f - <<< " + JsonText.text(doc));
        nft.apply(doc);
        log.info("firewall ready family=" + names.family().nftName() + " table=" + names.table() + " chain-input="
                + names.chainInput() + " sets=" + (names.hasV4() ? FirewallNames.SET_V4 + " " : "")
                + (names.hasV6() ? FirewallNames.SET_V6 : "") + " control-port=" + control
                + " removed-leftovers=" + stale);
    }

    /** Removes every rule and set letmeinfwd owns. */
    public void stop() throws NftException {
        List<ObjectNode> cmds = leftovers(nft.listTable(names));
        if (!cmds.isEmpty()) {
            ObjectNode doc = NftCommands.document(cmds);
            log.debug(() -> "nft -j -f - <<< " + JsonText.text(doc));
            nft.apply(doc);
        }
        log.info("firewall cleaned: removed " + cmds.size() + " rules/sets of letmeinfwd");
    }

    private JsonNode listVerified() throws NftException {
        String fam = names.family().nftName();
        JsonNode table;
        try {
            table = nft.listTable(names);
        } catch (NftException e) {
            throw new NftException("nftables table '" + fam + " " + names.table() + "' is not usable (letmeinfwd "
                    + "never creates tables; load a ruleset such as conf/nftables.conf): " + e.getMessage(), e);
        }
        Set<String> chains = new HashSet<>();
        for (JsonNode item : table.path("nftables")) {
            JsonNode chain = item.get("chain");
            if (chain != null) {
                chains.add(chain.path("name").asText());
            }
        }
        requireChain(chains, "chain-input", names.chainInput());
        if (names.chainForward().isPresent()) {
            requireChain(chains, "chain-forward", names.chainForward().get());
        }
        if (names.chainOutput().isPresent()) {
            requireChain(chains, "chain-output", names.chainOutput().get());
        }
        return table;
    }

    private void requireChain(Set<String> chains, String option, String chain) throws NftException {
        if (!chains.contains(chain)) {
            throw new NftException("[NFTABLES] " + option + " = " + chain + ": chain '" + chain + "' does not exist in table '"
                    + names.family().nftName() + " " + names.table() + "' (letmeinfwd never creates chains)");
        }
    }

    /** Delete commands for letmeinfwd's rules (comment ends in /LETMEIN), then its sets. */
    private List<ObjectNode> leftovers(JsonNode table) {
        List<ObjectNode> rules = new ArrayList<>();
        List<ObjectNode> sets = new ArrayList<>();
        for (JsonNode item : table.path("nftables")) {
            JsonNode rule = item.get("rule");
            if (rule != null && rule.path("comment").asText("").endsWith(FirewallNames.COMMENT_SUFFIX)
                    && rule.hasNonNull("handle")) {
                rules.add(json.deleteRule(rule.path("chain").asText(), rule.get("handle").asLong()));
            }
            JsonNode set = item.get("set");
            if (set != null) {
                String name = set.path("name").asText();
                if (name.equals(FirewallNames.SET_V4) || name.equals(FirewallNames.SET_V6)) {
                    sets.add(json.deleteSet(name));
                }
            }
        }
        rules.addAll(sets);
        return rules;
    }
}
