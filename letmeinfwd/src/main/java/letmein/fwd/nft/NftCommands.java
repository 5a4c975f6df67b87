package letmein.fwd.nft;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import letmein.proto.net.Addresses;

/**
 * Builds the nftables JSON commands letmeinfwd sends, as jackson trees: values from requests (addresses,
 * ports, chain names) only ever become JSON string/number nodes, never text spliced into a command.
 * Every method returns one command object ({@code {"add":{…}}}) for {@link #document}.
 */
public final class NftCommands {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final FirewallNames names;

    public NftCommands(FirewallNames names) {
        this.names = names;
    }

    /** {@code {"nftables":[cmd, …]}}. */
    public static ObjectNode document(List<ObjectNode> commands) {
        ObjectNode doc = F.objectNode();
        ArrayNode arr = doc.putArray("nftables");
        commands.forEach(arr::add);
        return doc;
    }

    /** Set name for the address family of {@code address}. */
    public static String setFor(InetAddress address) {
        return Addresses.canonical(address) instanceof Inet4Address ? FirewallNames.SET_V4 : FirewallNames.SET_V6;
    }

    /** {@code add set} for the IPv4 ({@code v4 = true}) or IPv6 lease set, {@code flags timeout}. */
    public ObjectNode addSet(boolean v4) {
        ObjectNode set = F.objectNode();
        set.put("family", names.family().nftName());
        set.put("table", names.table());
        set.put("name", v4 ? FirewallNames.SET_V4 : FirewallNames.SET_V6);
        set.putArray("type").add(v4 ? "ipv4_addr" : "ipv6_addr").add("inet_proto").add("inet_service");
        set.putArray("flags").add("timeout");
        return wrap("add", "set", set);
    }

    /** {@code add table} (own-table mode; a no-op if it exists). */
    public ObjectNode addTable() {
        return wrap("add", "table", tableRef());
    }

    /** {@code delete table} (own-table mode: the table with everything in it). */
    public ObjectNode deleteTable() {
        return wrap("delete", "table", tableRef());
    }

    /** {@code flush set NAME}: removes every element, keeps the set. */
    public ObjectNode flushSet(String name) {
        return wrap("flush", "set", setRef(name));
    }

    /**
     * Own-table mode: the base chain {@value FirewallNames#OWN_CHAIN}, {@code type filter hook input
     * priority -10; policy accept}. Accept only ends this chain; the host's own chains still decide.
     */
    public ObjectNode addBaseChain() {
        ObjectNode chain = F.objectNode();
        chain.put("family", names.family().nftName());
        chain.put("table", names.table());
        chain.put("name", names.chainInput());
        chain.put("type", "filter");
        chain.put("hook", "input");
        chain.put("prio", FirewallNames.OWN_PRIORITY);
        chain.put("policy", "accept");
        return wrap("add", "chain", chain);
    }

    /** Comments of the own-table mode's fixed rules (docs/PROTOCOL.md). */
    public static final String LOOPBACK_COMMENT = "any/iif/lo/accept" + FirewallNames.COMMENT_SUFFIX;
    /** See {@link #LOOPBACK_COMMENT}. */
    public static final String ESTABLISHED_COMMENT = "any/ct/established,related/accept" + FirewallNames.COMMENT_SUFFIX;
    /** See {@link #LOOPBACK_COMMENT}. */
    public static final String PROTECTED_COMMENT = "any/protected/drop" + FirewallNames.COMMENT_SUFFIX;

    /**
     * Own-table mode: {@code iif "lo" accept} — the host's own connections to a protected port (a local
     * ssh, a monitoring check) are not knocks.
     */
    public ObjectNode addLoopbackRule() {
        ObjectNode rule = rule(names.chainInput(), LOOPBACK_COMMENT);
        ObjectNode match = F.objectNode();
        match.put("op", "==");
        match.putObject("left").putObject("meta").put("key", "iif");
        match.put("right", "lo");
        ArrayNode expr = rule.putArray("expr");
        expr.add(single("match", match));
        expr.add(single("accept", F.nullNode()));
        return wrap("add", "rule", rule);
    }

    /**
     * Own-table mode: {@code ct state established,related accept} — a connection opened during a lease
     * outlives the lease (as with upstream's usual ruleset, where this rule comes before the LETMEIN chain).
     */
    public ObjectNode addEstablishedRule() {
        ObjectNode rule = rule(names.chainInput(), ESTABLISHED_COMMENT);
        ObjectNode match = F.objectNode();
        match.put("op", "in");
        match.putObject("left").putObject("ct").put("key", "state");
        match.putArray("right").add("established").add("related");
        ArrayNode expr = rule.putArray("expr");
        expr.add(single("match", match));
        expr.add(single("accept", F.nullNode()));
        return wrap("add", "rule", rule);
    }

    /** A (protocol, port) of the own table's drop rule. */
    public record ProtectedPort(L4Proto proto, int port) {
    }

    /**
     * Own-table mode: {@code meta l4proto . th dport { tcp . 22, … } counter drop}, after the lease rules.
     * The ports are an anonymous set in the rule itself, so the cheap listing without set elements
     * ({@code nft -t}) still shows them and a change to them is seen; {@code ports} must not be empty
     * (no port resource: no drop rule).
     */
    public ObjectNode addProtectedRule(java.util.Collection<ProtectedPort> ports) {
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("no protected ports: the drop rule is left out instead");
        }
        ObjectNode rule = rule(names.chainInput(), PROTECTED_COMMENT);
        ObjectNode match = F.objectNode();
        match.put("op", "==");
        ArrayNode concat = match.putObject("left").putArray("concat");
        ObjectNode meta = F.objectNode();
        meta.putObject("meta").put("key", "l4proto");
        concat.add(meta);
        concat.add(payload("th", "dport"));
        ArrayNode set = match.putObject("right").putArray("set");
        for (ProtectedPort p : ports) {
            ObjectNode e = F.objectNode();
            e.putArray("concat").add(p.proto().nftName()).add(p.port());
            set.add(e);
        }
        ArrayNode expr = rule.putArray("expr");
        expr.add(single("match", match));
        expr.add(single("counter", F.nullNode()));
        expr.add(single("drop", F.nullNode()));
        return wrap("add", "rule", rule);
    }

    private ObjectNode tableRef() {
        ObjectNode t = F.objectNode();
        t.put("family", names.family().nftName());
        t.put("name", names.table());
        return t;
    }

    /** {@code delete set NAME} (the whole set with its elements). */
    public ObjectNode deleteSet(String name) {
        return wrap("delete", "set", setRef(name));
    }

    /** {@code {"family":…,"table":…,"name":NAME}}: a set of letmeinfwd's table. */
    private ObjectNode setRef(String name) {
        ObjectNode set = F.objectNode();
        set.put("family", names.family().nftName());
        set.put("table", names.table());
        set.put("name", name);
        return set;
    }

    /** Comment of the rule that accepts what the set {@code setName} holds. */
    public static String setRuleComment(String setName) {
        return "any/set/" + setName + "/accept" + FirewallNames.COMMENT_SUFFIX;
    }

    /**
     * The rule in chain-input that accepts a packet whose (saddr, l4proto, dport) is an element of the
     * lease set: {@code ip saddr . meta l4proto . th dport @letmein-v4 counter accept}.
     */
    public ObjectNode addSetRule(boolean v4) {
        String setName = v4 ? FirewallNames.SET_V4 : FirewallNames.SET_V6;
        ObjectNode match = F.objectNode();
        match.put("op", "==");
        ArrayNode concat = match.putObject("left").putArray("concat");
        concat.add(payload(v4 ? "ip" : "ip6", "saddr"));
        ObjectNode meta = F.objectNode();
        meta.putObject("meta").put("key", "l4proto");
        concat.add(meta);
        concat.add(payload("th", "dport"));
        match.put("right", "@" + setName);
        ObjectNode rule = rule(names.chainInput(), setRuleComment(setName));
        ArrayNode expr = rule.putArray("expr");
        expr.add(single("match", match));
        expr.add(single("counter", F.nullNode()));
        expr.add(single("accept", F.nullNode()));
        return wrap("add", "rule", rule);
    }

    /** The comment of a control-port rule: {@code any/port/5800/TCP/accept/LETMEIN} (docs/PROTOCOL.md). */
    public static String controlComment(int port, L4Proto proto) {
        return "any/port/" + port + "/" + proto.name() + "/accept" + FirewallNames.COMMENT_SUFFIX;
    }

    /** The control-port rule: {@code tcp dport 5800 counter accept} (no saddr match). */
    public ObjectNode addControlRule(int port, L4Proto proto) {
        ObjectNode rule = rule(names.chainInput(), controlComment(port, proto));
        ArrayNode expr = rule.putArray("expr");
        ObjectNode match = F.objectNode();
        match.put("op", "==");
        match.set("left", payload(proto.nftName(), "dport"));
        match.put("right", port);
        expr.add(single("match", match));
        expr.add(single("counter", F.nullNode()));
        expr.add(single("accept", F.nullNode()));
        return wrap("add", "rule", rule);
    }

    /** The comment of a jump lease: {@code 192.0.2.1/jump/MYCHAIN/LETMEIN} (docs/PROTOCOL.md). */
    public static String jumpComment(InetAddress client, String target) {
        return Addresses.text(client) + "/jump/" + target + FirewallNames.COMMENT_SUFFIX;
    }

    /**
     * A jump lease: in {@code fromChain}, [{@code ip saddr CLIENT}] {@code jump TARGET}. The comment always
     * names the client, even without the saddr match, so that each client's rule is its own: rules are
     * found by comment ({@link NftBatcher.RuleRef}), and one client's expiry or revoke must not remove
     * another's.
     */
    public ObjectNode addJumpRule(String fromChain, InetAddress client, boolean matchSaddr, String target) {
        InetAddress c = Addresses.canonical(client);
        ObjectNode rule = rule(fromChain, jumpComment(c, target));
        ArrayNode expr = rule.putArray("expr");
        if (matchSaddr) {
            ObjectNode match = F.objectNode();
            match.put("op", "==");
            match.set("left", payload(c instanceof Inet4Address ? "ip" : "ip6", "saddr"));
            match.put("right", Addresses.text(c));
            expr.add(single("match", match));
        }
        ObjectNode jump = F.objectNode();
        jump.put("target", target);
        expr.add(single("jump", jump));
        return wrap("add", "rule", rule);
    }

    /** {@code delete rule … handle N}. */
    public ObjectNode deleteRule(String chain, long handle) {
        ObjectNode rule = F.objectNode();
        rule.put("family", names.family().nftName());
        rule.put("table", names.table());
        rule.put("chain", chain);
        rule.put("handle", handle);
        return wrap("delete", "rule", rule);
    }

    /** {@code add element} of (client, proto, port) to the matching set, with a kernel timeout. */
    public ObjectNode addElement(InetAddress client, L4Proto proto, int port, long timeoutSeconds) {
        return element("add", client, proto, port, Optional.of(timeoutSeconds), Optional.empty(), null);
    }

    /**
     * As {@link #addElement(InetAddress, L4Proto, int, long)}, with the element comment {@code owner}
     * ({@code letmein.fwd.lease.LeaseOwner}): who holds the lease stays with it in the kernel, so a restarted
     * letmeinfwd can adopt it and count it against the right user.
     */
    public ObjectNode addElement(InetAddress client, L4Proto proto, int port, long timeoutSeconds, String owner) {
        return element("add", client, proto, port, Optional.of(timeoutSeconds), Optional.empty(), owner);
    }

    /**
     * {@code add element … timeout T expires E}: with an explicit expiry, Linux 6.10 and later restart the
     * timer of an element that already exists (a plain re-add leaves it running); older kernels keep the
     * running timer, which is why {@code letmein.fwd.lease.RefreshProbe} tests this before it is relied on.
     */
    public ObjectNode addElementExpiring(InetAddress client, L4Proto proto, int port, long timeoutSeconds,
            long expiresSeconds) {
        return element("add", client, proto, port, Optional.of(timeoutSeconds), Optional.of(expiresSeconds), null);
    }

    /** As {@link #addElementExpiring(InetAddress, L4Proto, int, long, long)}, with the owner's comment. */
    public ObjectNode addElementExpiring(InetAddress client, L4Proto proto, int port, long timeoutSeconds,
            long expiresSeconds, String owner) {
        return element("add", client, proto, port, Optional.of(timeoutSeconds), Optional.of(expiresSeconds), owner);
    }

    /** {@code delete element} (fails if absent; callers put an add before it in the same transaction). */
    public ObjectNode deleteElement(InetAddress client, L4Proto proto, int port) {
        return element("delete", client, proto, port, Optional.empty(), Optional.empty(), null);
    }

    private ObjectNode element(String verb, InetAddress client, L4Proto proto, int port, Optional<Long> timeout,
            Optional<Long> expires, String comment) {
        InetAddress c = Addresses.canonical(client);
        ObjectNode el = F.objectNode();
        el.put("family", names.family().nftName());
        el.put("table", names.table());
        el.put("name", setFor(c));
        ObjectNode inner = F.objectNode();
        inner.putObject("val").putArray("concat").add(Addresses.text(c)).add(proto.nftName()).add(port);
        if (timeout.isPresent()) {
            inner.put("timeout", timeout.get());
        }
        if (expires.isPresent()) { // no lambdas on the request path: each would be one more resident class
            inner.put("expires", expires.get());
        }
        if (comment != null) {
            inner.put("comment", comment);
        }
        el.putArray("elem").add(single("elem", inner));
        return wrap(verb, "element", el);
    }

    private ObjectNode rule(String chain, String comment) {
        ObjectNode rule = F.objectNode();
        rule.put("family", names.family().nftName());
        rule.put("table", names.table());
        rule.put("chain", chain);
        rule.put("comment", comment);
        return rule;
    }

    private static ObjectNode payload(String protocol, String field) {
        ObjectNode p = F.objectNode();
        ObjectNode inner = p.putObject("payload");
        inner.put("protocol", protocol);
        inner.put("field", field);
        return p;
    }

    private static ObjectNode single(String key, JsonNode value) {
        ObjectNode o = F.objectNode();
        o.set(key, value);
        return o;
    }

    private static ObjectNode wrap(String verb, String kind, ObjectNode body) {
        ObjectNode inner = F.objectNode();
        inner.set(kind, body);
        ObjectNode cmd = F.objectNode();
        cmd.set(verb, inner);
        return cmd;
    }
}
