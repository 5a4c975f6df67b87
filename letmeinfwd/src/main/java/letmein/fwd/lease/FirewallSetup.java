package letmein.fwd.lease;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import letmein.fwd.nft.FirewallNames;
import letmein.fwd.nft.JsonText;
import letmein.fwd.nft.L4Proto;
import letmein.fwd.nft.NftBackend;
import letmein.fwd.nft.NftBatcher;
import letmein.fwd.nft.NftCommands;
import letmein.fwd.nft.NftCommands.ProtectedPort;
import letmein.fwd.nft.NftException;
import letmein.proto.config.ControlPort;
import letmein.proto.config.PortResource;
import letmein.proto.config.Resource;
import letmein.proto.daemon.DaemonLog;

/**
 * letmeinfwd's objects in the kernel over its life: what it creates at start, how it finds out that
 * someone removed or changed them ({@link #check()}), how it puts them back with every live lease
 * ({@link #rebuild}), and what it removes at stop. Port leases outlive letmeinfwd: they are set
 * elements with their own kernel timeout, so a stop leaves them and a start adopts them (with their
 * owner from the element comment, {@link LeaseOwner}); only jump leases, rules that cannot expire, are
 * removed at stop and at start. Two modes ({@link FirewallNames}):
 * <ul>
 * <li>own table: {@code table inet NAME} is letmeinfwd's alone; each (re)build replaces it whole, in one
 *     transaction, so there is no moment in which a protected port is unguarded;</li>
 * <li>upstream's mode: the admin's table and chains must exist; letmeinfwd replaces only its own rules
 *     (comment ending in {@code /LETMEIN}) and its sets.</li>
 * </ul>
 */
public final class FirewallSetup {
    /** What {@link #check()} found. */
    public sealed interface Health permits Health.Intact, Health.Broken {
        /** Everything letmeinfwd needs is in place. */
        record Intact() implements Health {
        }

        /**
         * Something is missing or changed; {@code repairable}: letmeinfwd can put it back (in upstream's
         * mode it cannot while the admin's table or chains are missing).
         */
        record Broken(String what, boolean repairable) implements Health {
        }
    }

    private final NftBackend nft;
    private final FirewallNames names;
    private final NftCommands json;
    private final ControlPort control;
    private volatile Set<ProtectedPort> protectedPorts;
    private final DaemonLog log;

    public FirewallSetup(NftBackend nft, FirewallNames names, ControlPort control, Set<ProtectedPort> protectedPorts,
            DaemonLog log) {
        this.nft = nft;
        this.names = names;
        this.json = new NftCommands(names);
        this.control = control;
        this.protectedPorts = Set.copyOf(protectedPorts);
        this.log = log;
    }

    /** The ports of the port resources (own-table mode drops them unless a lease matches). */
    public static Set<ProtectedPort> protectedPorts(Iterable<Resource> resources) {
        Set<ProtectedPort> out = new LinkedHashSet<>();
        for (Resource r : resources) {
            if (r instanceof PortResource p) {
                if (p.tcp()) {
                    out.add(new ProtectedPort(L4Proto.TCP, p.port()));
                }
                if (p.udp()) {
                    out.add(new ProtectedPort(L4Proto.UDP, p.port()));
                }
            }
        }
        return out;
    }

    /** The protected ports now (own-table mode). */
    public Set<ProtectedPort> protectedPorts() {
        return protectedPorts;
    }

    /**
     * Own-table mode: the change that makes the drop rule guard exactly {@code ports} (for a changed
     * [RESOURCES]): the old rule goes and the new one is appended, in one transaction, so it stays the
     * chain's last rule; empty in upstream's mode, where the admin's ruleset decides what is closed. The
     * new ports apply to {@link #rebuild} and {@link #check} from then on.
     */
    public Optional<NftBatcher.Change> replaceProtected(Set<ProtectedPort> ports) {
        protectedPorts = Set.copyOf(ports);
        if (!names.ownTable()) {
            return Optional.empty();
        }
        List<ObjectNode> add = ports.isEmpty() ? List.of() : List.of(json.addProtectedRule(ports));
        return Optional.of(new NftBatcher.Change("protected ports " + describe(ports),
                List.of(new NftBatcher.RuleRef(names.chainInput(), NftCommands.PROTECTED_COMMENT)), add));
    }

    /** Number of control-port rules counted against max-nr-rules (none in the own table: the host decides). */
    public int controlRules() {
        if (names.ownTable()) {
            return 0;
        }
        return (control.tcp() ? 1 : 0) + (control.udp() ? 1 : 0);
    }

    /**
     * Creates everything in one transaction and returns the port leases found in the kernel, which
     * stay (adopted, at their remaining time); jump rules left by an earlier run are removed.
     */
    public List<KernelLease> start() throws NftException {
        JsonNode table;
        if (names.ownTable()) {
            table = listOwnIfExists();
        } else {
            table = listVerified();
        }
        List<KernelLease> adopted = leasesIn(table);
        int jumps = jumpRules(table).size();
        ObjectNode doc = NftCommands.document(rebuild(table, adopted, List.of()));
        log.debug(() -> "nft -j -f - <<< " + JsonText.text(doc));
        nft.apply(doc);
        log.info("firewall ready mode=" + (names.ownTable() ? "own-table" : "upstream") + " family="
                + names.family().nftName() + " table=" + names.table() + " chain-input=" + names.chainInput()
                + " sets=" + (names.hasV4() ? FirewallNames.SET_V4 + " " : "") + (names.hasV6() ? FirewallNames.SET_V6 : "")
                + (names.ownTable() ? " protected=" + describe(protectedPorts) : " control-port=" + control)
                + " adopted-leases=" + adopted.size() + " removed-jump-leases=" + jumps);
        return adopted;
    }

    /**
     * The commands that put everything back as it should be, with every lease {@code book} holds at its
     * remaining time (upstream's mode lists the table first, for the handles of the rules to replace).
     * Meant for {@link letmein.fwd.nft.NftBatcher#submitAlone}, so that the book's state and the kernel's
     * are taken at the same point in the order of changes.
     */
    public List<ObjectNode> rebuild(LeaseBook book) throws NftException {
        JsonNode table = names.ownTable() ? null : nft.listTableTerse(names);
        List<KernelLease> leases = book.portLeases();
        List<LeaseBook.JumpKey> jumps = book.jumpLeases();
        log.info("firewall: restoring " + leases.size() + " port leases and " + jumps.size() + " jump leases");
        return rebuild(table, leases, jumps);
    }

    private List<ObjectNode> rebuild(JsonNode table, List<KernelLease> leases, List<LeaseBook.JumpKey> jumps) {
        List<ObjectNode> cmds = new ArrayList<>();
        if (names.ownTable()) {
            // add + delete + add: the table is new and empty whether it existed or not
            cmds.add(json.addTable());
            cmds.add(json.deleteTable());
            cmds.add(json.addTable());
        } else {
            cmds.addAll(ownObjects(table));
        }
        if (names.hasV4()) {
            cmds.add(json.addSet(true));
        }
        if (names.hasV6()) {
            cmds.add(json.addSet(false));
        }
        for (KernelLease l : leases) {
            String owner = l.owner().map(LeaseOwner::comment).orElse(null);
            cmds.add(owner == null
                    ? json.addElementExpiring(l.client(), l.proto(), l.port(), l.timeoutSeconds(), l.expiresSeconds())
                    : json.addElementExpiring(l.client(), l.proto(), l.port(), l.timeoutSeconds(), l.expiresSeconds(),
                            owner));
        }
        if (names.ownTable()) {
            cmds.add(json.addBaseChain());
            cmds.add(json.addLoopbackRule());
            cmds.add(json.addEstablishedRule());
        }
        if (names.hasV4()) {
            cmds.add(json.addSetRule(true));
        }
        if (names.hasV6()) {
            cmds.add(json.addSetRule(false));
        }
        if (names.ownTable()) {
            if (!protectedPorts.isEmpty()) {
                cmds.add(json.addProtectedRule(protectedPorts));
            }
        } else {
            if (control.tcp()) {
                cmds.add(json.addControlRule(control.port(), L4Proto.TCP));
            }
            if (control.udp()) {
                cmds.add(json.addControlRule(control.port(), L4Proto.UDP));
            }
        }
        for (LeaseBook.JumpKey j : jumps) {
            cmds.add(json.addJumpRule(j.fromChain(), j.client(), j.matchSaddr(), j.target()));
        }
        return cmds;
    }

    /**
     * Whether letmeinfwd's objects are all in place, from a listing without set elements (cheap however
     * many leases are held). Own table: the table, its two sets, the base chain with its hook, and
     * exactly its rules in order (a rule someone added there counts as a change), the drop rule with
     * exactly the protected ports. Upstream's mode: the
     * admin's table and chains, letmeinfwd's sets and its rules in chain-input.
     */
    public Health check() {
        JsonNode table;
        try {
            table = nft.listTableTerse(names);
        } catch (NftException e) {
            String what = "table " + names.family().nftName() + " " + names.table() + " is gone";
            return new Health.Broken(what, names.ownTable());
        }
        Set<String> sets = new HashSet<>();
        Set<String> chains = new HashSet<>();
        JsonNode base = null;
        List<String> ownRules = new ArrayList<>();
        Set<String> inputComments = new HashSet<>();
        for (JsonNode item : table.path("nftables")) {
            JsonNode set = item.get("set");
            if (set != null) {
                sets.add(set.path("name").asText());
            }
            JsonNode chain = item.get("chain");
            if (chain != null) {
                chains.add(chain.path("name").asText());
                if (chain.path("name").asText().equals(names.chainInput())) {
                    base = chain;
                }
            }
            JsonNode rule = item.get("rule");
            if (rule != null && rule.path("chain").asText().equals(names.chainInput())) {
                ownRules.add(rule.path("comment").asText(""));
                inputComments.add(rule.path("comment").asText(""));
            }
        }
        if (!names.ownTable()) {
            for (Optional<String> c : List.of(Optional.of(names.chainInput()), names.chainForward(), names.chainOutput())) {
                if (c.isPresent() && !chains.contains(c.get())) {
                    return new Health.Broken("chain " + c.get() + " of table " + names.family().nftName() + " "
                            + names.table() + " is gone", false);
                }
            }
        } else if (base == null) {
            return new Health.Broken("chain " + names.chainInput() + " is gone", true);
        } else if (!"input".equals(base.path("hook").asText()) || base.path("prio").asInt() != FirewallNames.OWN_PRIORITY
                || !"accept".equals(base.path("policy").asText())) {
            return new Health.Broken("chain " + names.chainInput() + " was changed (" + JsonText.text(base) + ")", true);
        }
        for (String s : expectedSets()) {
            if (!sets.contains(s)) {
                return new Health.Broken("set " + s + " is gone", true);
            }
        }
        List<String> expected = expectedInputRules();
        if (names.ownTable() ? !ownRules.equals(expected) : !inputComments.containsAll(expected)) {
            return new Health.Broken("the rules of chain " + names.chainInput() + " were changed (expected "
                    + expected + ", found " + ownRules + ")", true);
        }
        if (names.ownTable()) {
            Set<ProtectedPort> found = protectedIn(table, names.chainInput());
            if (!found.equals(protectedPorts)) {
                return new Health.Broken("the protected ports of chain " + names.chainInput() + " were changed (the rule"
                        + " drops " + describe(found) + ", should drop " + describe(protectedPorts) + ")", true);
            }
        }
        return new Health.Intact();
    }

    /** The (protocol, port) pairs the drop rule of {@code chain} holds in a listing (its anonymous set). */
    static Set<ProtectedPort> protectedIn(JsonNode listing, String chain) {
        Set<ProtectedPort> out = new LinkedHashSet<>();
        for (JsonNode item : listing.path("nftables")) {
            JsonNode rule = item.get("rule");
            if (rule == null || !rule.path("chain").asText().equals(chain)
                    || !NftCommands.PROTECTED_COMMENT.equals(rule.path("comment").asText())) {
                continue;
            }
            for (JsonNode expr : rule.path("expr")) {
                for (JsonNode e : expr.path("match").path("right").path("set")) {
                    JsonNode concat = e.path("concat");
                    L4Proto proto = concat.size() == 2 ? proto(concat.get(0)) : null;
                    int port = concat.size() == 2 ? concat.get(1).asInt(-1) : -1;
                    if (proto != null && port >= 0) {
                        out.add(new ProtectedPort(proto, port));
                    }
                }
            }
        }
        return out;
    }

    /**
     * At stop: removes the jump leases (rules cannot expire by themselves) and nothing else; the port
     * leases, the sets and the rules that match them stay, so what is open stays open until its kernel
     * timeout and nothing else opens. Returns the number of rules removed.
     */
    public int stop() throws NftException {
        int removed = closeJumpLeases();
        log.info("firewall: " + removed + " jump leases removed; port leases stay in the kernel until they expire");
        return removed;
    }

    /**
     * {@code letmeinfwd --close-all}: every lease at once (the lease sets emptied, the jump rules
     * removed); the sets and rules stay, so the protected ports stay shut. Returns the leases closed.
     */
    public int closeAll() throws NftException {
        JsonNode table = nft.listTable(names);
        List<ObjectNode> cmds = jumpRules(table);
        int closed = cmds.size() + leasesIn(table).size();
        for (String s : List.of(FirewallNames.SET_V4, FirewallNames.SET_V6)) {
            if (hasSet(table, s)) {
                cmds.add(json.flushSet(s));
            }
        }
        if (!cmds.isEmpty()) {
            nft.apply(NftCommands.document(cmds));
        }
        return closed;
    }

    /**
     * {@code letmeinfwd --remove-firewall} (the package's removal): everything letmeinfwd ever created
     * goes, leases included — its own table whole, or in upstream's mode its rules and sets in the
     * admin's table. Afterwards the host's own ruleset alone decides again. Returns what was removed.
     */
    public String removeAll() throws NftException {
        JsonNode table;
        try {
            table = nft.listTableTerse(names);
        } catch (NftException e) {
            return "nothing (table " + names.family().nftName() + " " + names.table() + " does not exist)";
        }
        if (names.ownTable()) {
            nft.apply(NftCommands.document(List.of(json.deleteTable())));
            return "table " + names.family().nftName() + " " + names.table();
        }
        List<ObjectNode> cmds = ownObjects(table);
        if (!cmds.isEmpty()) {
            nft.apply(NftCommands.document(cmds));
        }
        return cmds.size() + " rules and sets of letmeinfwd in table " + names.family().nftName() + " " + names.table();
    }

    /**
     * Removes the jump leases only (at stop, and as the unit's ExecStopPost= after letmeinfwd was
     * killed); none if the table is gone. Returns the number removed.
     */
    public int closeJumpLeases() throws NftException {
        JsonNode table;
        try {
            table = nft.listTableTerse(names);
        } catch (NftException e) {
            return 0; // no table, no jump rules in it
        }
        List<ObjectNode> cmds = jumpRules(table);
        if (!cmds.isEmpty()) {
            nft.apply(NftCommands.document(cmds));
        }
        return cmds.size();
    }

    private List<String> expectedSets() {
        List<String> out = new ArrayList<>();
        if (names.hasV4()) {
            out.add(FirewallNames.SET_V4);
        }
        if (names.hasV6()) {
            out.add(FirewallNames.SET_V6);
        }
        return out;
    }

    /** Comments of the rules in chain-input, in order (own table: all of them; upstream: letmeinfwd's). */
    private List<String> expectedInputRules() {
        List<String> out = new ArrayList<>();
        if (names.ownTable()) {
            out.add(NftCommands.LOOPBACK_COMMENT);
            out.add(NftCommands.ESTABLISHED_COMMENT);
        }
        if (names.hasV4()) {
            out.add(NftCommands.setRuleComment(FirewallNames.SET_V4));
        }
        if (names.hasV6()) {
            out.add(NftCommands.setRuleComment(FirewallNames.SET_V6));
        }
        if (names.ownTable()) {
            if (!protectedPorts.isEmpty()) {
                out.add(NftCommands.PROTECTED_COMMENT);
            }
        } else {
            if (control.tcp()) {
                out.add(NftCommands.controlComment(control.port(), L4Proto.TCP));
            }
            if (control.udp()) {
                out.add(NftCommands.controlComment(control.port(), L4Proto.UDP));
            }
        }
        return out;
    }

    private JsonNode listOwnIfExists() throws NftException {
        try {
            return nft.listTable(names);
        } catch (NftException e) {
            return null; // not there yet: the first start
        }
    }

    private JsonNode listVerified() throws NftException {
        String fam = names.family().nftName();
        JsonNode table;
        try {
            table = nft.listTable(names);
        } catch (NftException e) {
            throw new NftException("nftables table '" + fam + " " + names.table() + "' is not usable (in upstream's "
                    + "mode letmeinfwd never creates tables; load a ruleset such as conf/nftables.conf, or set "
                    + "[NFTABLES] own-table = letmein): " + e.getMessage(), e);
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

    /** Upstream's mode: delete commands for letmeinfwd's rules (comment ends in /LETMEIN), then its sets. */
    private List<ObjectNode> ownObjects(JsonNode table) {
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

    /** Delete commands for the jump leases (comment {@code ADDR/jump/CHAIN/LETMEIN}) in a listing. */
    private List<ObjectNode> jumpRules(JsonNode table) {
        List<ObjectNode> out = new ArrayList<>();
        if (table == null) {
            return out;
        }
        for (JsonNode item : table.path("nftables")) {
            JsonNode rule = item.get("rule");
            String comment = rule == null ? "" : rule.path("comment").asText("");
            if (comment.endsWith(FirewallNames.COMMENT_SUFFIX) && comment.contains("/jump/") && rule.hasNonNull("handle")) {
                out.add(json.deleteRule(rule.path("chain").asText(), rule.get("handle").asLong()));
            }
        }
        return out;
    }

    private static boolean hasSet(JsonNode table, String name) {
        for (JsonNode item : table.path("nftables")) {
            JsonNode set = item.get("set");
            if (set != null && set.path("name").asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The elements of letmeinfwd's lease sets in a full listing, as leases with their time left; an
     * element without an expiry (not one of letmeinfwd's) or with an unreadable value is skipped.
     */
    static List<KernelLease> leasesIn(JsonNode table) {
        List<KernelLease> out = new ArrayList<>();
        if (table == null) {
            return out;
        }
        for (JsonNode item : table.path("nftables")) {
            JsonNode set = item.get("set");
            if (set == null) {
                continue;
            }
            String name = set.path("name").asText();
            if (!name.equals(FirewallNames.SET_V4) && !name.equals(FirewallNames.SET_V6)) {
                continue;
            }
            for (JsonNode e : set.path("elem")) {
                JsonNode el = e.path("elem");
                JsonNode val = el.path("val").path("concat");
                if (val.size() != 3 || !el.has("timeout") || !el.has("expires")) {
                    continue;
                }
                L4Proto proto = proto(val.get(1));
                int port = val.get(2).asInt(-1);
                long timeout = el.get("timeout").asLong();
                long expires = el.get("expires").asLong();
                InetAddress client;
                try {
                    client = literal(val.get(0).asText());
                } catch (UnknownHostException ex) {
                    continue;
                }
                if (proto == null || port < 0 || port > 65535 || timeout < 1 || expires < 1) {
                    continue;
                }
                out.add(new KernelLease(client, proto, port, timeout, expires,
                        LeaseOwner.parse(el.path("comment").asText(null))));
            }
        }
        return out;
    }

    /**
     * The protocol of an element as nft prints it: its name, or its number when nft cannot read
     * /etc/protocols (a minimal system without the netbase package prints 6 and 17). Also read by
     * {@link RefreshProbe}.
     */
    static L4Proto proto(JsonNode v) {
        String t = v.asText();
        if ("tcp".equals(t) || "6".equals(t)) {
            return L4Proto.TCP;
        }
        if ("udp".equals(t) || "17".equals(t)) {
            return L4Proto.UDP;
        }
        return null;
    }

    /** An address literal as nft prints it (never a name lookup: only digits, dots, colons, hex). */
    private static InetAddress literal(String text) throws UnknownHostException {
        if (text.isEmpty() || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            throw new UnknownHostException("not an address literal: " + text);
        }
        return InetAddress.getByName(text);
    }

    /** {@code tcp/22,udp/53}: protected ports for logs. */
    public static String describe(Set<ProtectedPort> ports) {
        List<String> out = new ArrayList<>();
        for (ProtectedPort p : ports) {
            out.add(p.proto().nftName() + "/" + p.port());
        }
        return String.join(",", out);
    }
}
