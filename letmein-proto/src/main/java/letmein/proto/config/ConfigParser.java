package letmein.proto.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import letmein.proto.auth.Key;
import letmein.proto.config.Values.BareValues;
import letmein.proto.config.Values.KeyValues;
import letmein.proto.config.Values.MapItem;
import letmein.proto.config.Values.Where;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * Gives an {@link IniDocument} its meaning: one small parser per option, building the immutable
 * {@link ServerConfig} / {@link ClientConfig}. Unknown options in the sections a program reads are
 * errors (a typo must not silently fall back to a default); the other program's section
 * ({@code [CLIENT]} for the server, {@code [NFTABLES]} for the client) is tolerated and not read.
 */
final class ConfigParser {
    static final String GENERAL = "GENERAL";
    static final String KEYS = "KEYS";
    static final String RESOURCES = "RESOURCES";
    static final String NFTABLES = "NFTABLES";
    static final String CLIENT = "CLIENT";

    private static final List<String> GENERAL_OPTIONS =
            List.of("debug", "port", "control-timeout", "control-error-policy", "seccomp");
    private static final List<String> NFTABLES_OPTIONS = List.of("exe", "family", "table", "chain-input",
            "chain-forward", "chain-output", "timeout", "max-nr-rules",
            "max-nr-rules-per-user", "own-table");
    private static final List<String> CLIENT_OPTIONS = List.of("default-user");

    private final Path file;
    private final IniDocument doc;

    private ConfigParser(Path file, IniDocument doc) {
        this.file = file;
        this.doc = doc;
    }

    static ServerConfig server(Path file, byte[] bytes) throws ConfigException {
        return server(file, IniParser.parse(file, bytes), bytes);
    }

    /** {@code doc} must be {@code bytes} parsed (the checksum is over the bytes). */
    static ServerConfig server(Path file, IniDocument doc, byte[] bytes) throws ConfigException {
        ConfigParser p = new ConfigParser(file, doc);
        p.checkSections(List.of(GENERAL, KEYS, RESOURCES, NFTABLES), List.of(CLIENT));
        GeneralConfig general = p.general();
        Map<UserId, Key> keys = p.keys();
        Map<ResourceId, Resource> resources = p.resources();
        NftablesConfig nft = p.nftables();
        p.checkModeFitsResources(nft, resources);
        return new ServerConfig(file, general, keys, resources, nft, ConfigChecksum.of(bytes));
    }

    static ClientConfig client(Path file, byte[] bytes) throws ConfigException {
        ConfigParser p = new ConfigParser(file, IniParser.parse(file, bytes));
        p.checkSections(List.of(GENERAL, KEYS, RESOURCES, CLIENT), List.of(NFTABLES));
        GeneralConfig general = p.general();
        Map<UserId, Key> keys = p.keys();
        Map<ResourceId, Resource> resources = p.resources();
        UserId defaultUser = p.defaultUser();
        return new ClientConfig(file, true, general, defaultUser, keys, resources);
    }

    private void checkSections(List<String> read, List<String> tolerated) throws ConfigException {
        for (IniDocument.Section s : doc.sections()) {
            if (!read.contains(s.name()) && !tolerated.contains(s.name())) {
                throw new ConfigException(file, s.line(), "Unknown section [" + s.name()
                        + "] (known sections: [GENERAL], [KEYS], [RESOURCES], [NFTABLES], [CLIENT]; names are case-sensitive)");
            }
        }
    }

    private void checkOptions(String section, List<String> known) throws ConfigException {
        Optional<IniDocument.Section> s = doc.section(section);
        if (s.isEmpty()) {
            return;
        }
        for (IniDocument.Option o : s.get().options()) {
            if (!known.contains(o.name())) {
                throw new ConfigException(file, o.line(), "[" + section + "] Unknown option '" + o.name()
                        + "' (known options: " + String.join(", ", known) + "; names are case-sensitive)");
            }
        }
    }

    private Optional<IniDocument.Option> opt(String section, String name) {
        return doc.option(section, name);
    }

    private Where where(String section, IniDocument.Option o) {
        return Where.of(file, section, o);
    }

    // ---------------------------------------------------------------- [GENERAL]

    private GeneralConfig general() throws ConfigException {
        checkOptions(GENERAL, GENERAL_OPTIONS);
        boolean debug = false;
        ControlPort port = ControlPort.DEFAULT;
        Duration controlTimeout = GeneralConfig.DEFAULT_CONTROL_TIMEOUT;
        ErrorPolicy policy = ErrorPolicy.DEFAULT;
        SeccompMode seccomp = SeccompMode.OFF;
        Optional<IniDocument.Option> o = opt(GENERAL, "debug");
        if (o.isPresent()) {
            debug = Values.bool(o.get().value(), where(GENERAL, o.get()));
        }
        o = opt(GENERAL, "port");
        if (o.isPresent()) {
            port = controlPort(o.get().value(), where(GENERAL, o.get()));
        }
        o = opt(GENERAL, "control-timeout");
        if (o.isPresent()) {
            controlTimeout = Values.duration(o.get().value(), where(GENERAL, o.get()));
        }
        o = opt(GENERAL, "control-error-policy");
        if (o.isPresent()) {
            policy = errorPolicy(o.get().value(), where(GENERAL, o.get()));
        }
        o = opt(GENERAL, "seccomp");
        if (o.isPresent()) {
            seccomp = seccomp(o.get().value(), where(GENERAL, o.get()));
        }
        return new GeneralConfig(debug, port, controlTimeout, policy, seccomp);
    }

    /** {@code 5800}, {@code 5800/tcp}, {@code 5800 / udp, tcp}, {@code udp, tcp / 5800}. */
    static ControlPort controlPort(String raw, Where w) throws ConfigException {
        Integer number = null;
        boolean tcp = false;
        boolean udp = false;
        for (MapItem item : Values.map(raw, w)) {
            if (item instanceof KeyValues) {
                throw w.error("Unknown option: '" + ((KeyValues) item).key()
                        + "' (expected a port number and/or tcp, udp, e.g. '5800 / udp, tcp')");
            }
            List<String> vs = ((BareValues) item).values();
            if (vs.size() == 1 && Values.looksNumeric(vs.get(0))) {
                int p = Values.port(vs.get(0), w);
                if (p == 0) {
                    throw w.error("port 0 is reserved (expected 1 to 65535)");
                }
                if (number != null) {
                    throw w.error("more than one port number in " + Text.quote(Text.trim(raw)));
                }
                number = p;
                continue;
            }
            for (String v : vs) {
                String lv = v.toLowerCase(Locale.ROOT);
                if (lv.equals("tcp")) {
                    tcp = true;
                } else if (lv.equals("udp")) {
                    udp = true;
                } else {
                    throw w.error("Unknown option: " + Text.quote(v) + " in " + Text.quote(Text.trim(raw))
                            + " (expected a port number and/or tcp, udp separated by '/', e.g. '5800 / udp, tcp')");
                }
            }
        }
        if (!tcp && !udp) {
            tcp = true;
        }
        return new ControlPort(number == null ? ControlPort.DEFAULT.port() : number, tcp, udp);
    }

    static ErrorPolicy errorPolicy(String raw, Where w) throws ConfigException {
        String t = Text.trim(raw).toLowerCase(Locale.ROOT);
        for (ErrorPolicy p : ErrorPolicy.values()) {
            if (p.configName().equals(t)) {
                return p;
            }
        }
        throw w.error("invalid value " + Text.quote(Text.trim(raw)) + " (valid values: always, basic-auth, full-auth)");
    }

    static SeccompMode seccomp(String raw, Where w) throws ConfigException {
        String t = Text.trim(raw).toLowerCase(Locale.ROOT);
        for (SeccompMode m : SeccompMode.values()) {
            if (m.name().toLowerCase(Locale.ROOT).equals(t)) {
                return m;
            }
        }
        throw w.error("invalid value " + Text.quote(Text.trim(raw)) + " (valid values: off, log, kill)");
    }

    // ---------------------------------------------------------------- [KEYS]

    private Map<UserId, Key> keys() throws ConfigException {
        Map<UserId, Key> keys = new LinkedHashMap<>();
        Map<UserId, Integer> lines = new LinkedHashMap<>();
        Optional<IniDocument.Section> s = doc.section(KEYS);
        if (s.isEmpty()) {
            return keys;
        }
        for (IniDocument.Option o : s.get().options()) {
            Where w = new Where(file, o.line(), KEYS, o.name());
            UserId id = Values.user(o.name(), w);
            Key key;
            try {
                key = Key.parseHex(Text.trim(o.value()));
            } catch (IllegalArgumentException e) {
                // Never quote the value: it is (meant to be) key material.
                throw w.error("Invalid key for user " + id + ": " + e.getMessage());
            }
            Integer first = lines.get(id);
            if (first != null) {
                throw w.error("Multiple definitions of key '" + id + "' (first defined on line " + first + ")");
            }
            keys.put(id, key);
            lines.put(id, o.line());
        }
        return keys;
    }

    // ---------------------------------------------------------------- [RESOURCES]

    private Map<ResourceId, Resource> resources() throws ConfigException {
        Map<ResourceId, Resource> resources = new LinkedHashMap<>();
        Map<ResourceId, Integer> idLines = new LinkedHashMap<>();
        Map<Integer, PortResource> byPort = new LinkedHashMap<>();
        Optional<IniDocument.Section> s = doc.section(RESOURCES);
        if (s.isEmpty()) {
            return resources;
        }
        for (IniDocument.Option o : s.get().options()) {
            Where idWhere = new Where(file, o.line(), RESOURCES, o.name());
            ResourceId id = Values.resource(o.name(), idWhere);
            Where w = new Where(file, o.line(), RESOURCES, id);
            Integer first = idLines.get(id);
            if (first != null) {
                throw w.error("Multiple definitions of resource ID '" + id + "' (first defined on line " + first + ")");
            }
            Resource r = resource(id, o.value(), w);
            if (r instanceof PortResource) {
                PortResource pr = (PortResource) r;
                PortResource other = byPort.get(pr.port());
                if (other != null) {
                    throw w.error("Multiple definitions of resource port '" + pr.port() + "' (also used by resource "
                            + other.id() + " on line " + idLines.get(other.id()) + ")");
                }
                byPort.put(pr.port(), pr);
            }
            resources.put(id, r);
            idLines.put(id, o.line());
        }
        return resources;
    }

    static Resource resource(ResourceId id, String raw, Where w) throws ConfigException {
        List<MapItem> items = Values.map(raw, w);
        boolean isPort = false;
        boolean isJump = false;
        for (MapItem item : items) {
            if (item instanceof KeyValues) {
                String k = ((KeyValues) item).key();
                isPort |= k.equals("port");
                isJump |= k.equals("jump");
            } else {
                isJump |= ((BareValues) item).values().contains("jump");
            }
        }
        if (isPort == isJump) {
            throw w.error("Resource ID '" + id + "' is not a 'port' resource: "
                    + (isPort ? "it has both 'port:' and 'jump'" : "it has neither 'port: N' nor a bare 'jump'")
                    + " in " + Text.quote(Text.trim(raw)));
        }
        return isPort ? portResource(id, items, w) : jumpResource(id, items, w);
    }

    private static PortResource portResource(ResourceId id, List<MapItem> items, Where w) throws ConfigException {
        Integer port = null;
        Optional<Duration> timeout = Optional.empty();
        Set<UserId> users = null;
        boolean tcp = false;
        boolean udp = false;
        for (MapItem item : items) {
            if (item instanceof KeyValues) {
                KeyValues kv = (KeyValues) item;
                List<String> vs = kv.values();
                switch (kv.key()) {
                    case "port":
                        if (vs.size() != 1) {
                            throw w.error("invalid 'port' option " + Text.quote(String.join(",", vs))
                                    + ": exactly one port number expected (separate further items with '/', e.g. 'port: 1234 / timeout: 42')");
                        }
                        if (port != null) {
                            throw w.error("multiple 'port' values");
                        }
                        int p = Values.port(vs.get(0), w);
                        if (p == 0) {
                            throw w.error("port 0 is reserved (expected 1 to 65535)");
                        }
                        port = p;
                        break;
                    case "timeout":
                        timeout = Optional.of(timeout(timeout, vs, w));
                        break;
                    case "users":
                        users = users(users, vs, w);
                        break;
                    default:
                        throw w.error("unknown option: '" + kv.key() + "' (a port resource takes port:, tcp, udp, users:, timeout:)");
                }
            } else {
                for (String v : ((BareValues) item).values()) {
                    String lv = v.toLowerCase(Locale.ROOT);
                    if (lv.equals("tcp")) {
                        tcp = true;
                    } else if (lv.equals("udp")) {
                        udp = true;
                    } else {
                        throw w.error("unknown option: " + Text.quote(v)
                                + " (a port resource takes port:, tcp, udp, users:, timeout:)");
                    }
                }
            }
        }
        if (!tcp && !udp) {
            tcp = true;
        }
        return new PortResource(id, port, tcp, udp, users == null ? Set.of() : users, timeout);
    }

    private static Duration timeout(Optional<Duration> previous, List<String> vs, Where w) throws ConfigException {
        if (vs.size() != 1) {
            throw w.error("invalid 'timeout' option " + Text.quote(String.join(",", vs)) + ": exactly one duration expected");
        }
        if (previous.isPresent()) {
            throw w.error("multiple 'timeout' values");
        }
        return Values.duration(vs.get(0), w);
    }

    private static Set<UserId> users(Set<UserId> previous, List<String> vs, Where w) throws ConfigException {
        if (previous != null) {
            throw w.error("multiple 'users' values");
        }
        Set<UserId> out = new LinkedHashSet<>();
        for (String v : vs) {
            out.add(Values.user(v, w));
        }
        return out;
    }

    private static JumpResource jumpResource(ResourceId id, List<MapItem> items, Where w) throws ConfigException {
        String[] chains = new String[3];
        boolean[] match = new boolean[3];
        Optional<Duration> timeout = Optional.empty();
        Set<UserId> users = null;
        List<String> targets = List.of("input", "forward", "output");
        for (MapItem item : items) {
            if (item instanceof BareValues) {
                List<String> vs = ((BareValues) item).values();
                if (!(vs.size() == 1 && vs.get(0).equals("jump"))) {
                    throw w.error("unknown values " + Text.quote(String.join(", ", vs))
                            + " (a jump resource takes jump, input:, forward:, output:, *-match: saddr, users:, timeout:)");
                }
                continue;
            }
            KeyValues kv = (KeyValues) item;
            String k = kv.key();
            List<String> vs = kv.values();
            int target = targets.indexOf(k);
            int matchTarget = k.endsWith("-match") ? targets.indexOf(k.substring(0, k.length() - "-match".length())) : -1;
            if (target >= 0) {
                if (vs.size() != 1) {
                    throw w.error("invalid '" + k + "' option " + Text.quote(String.join(",", vs)) + ": exactly one chain name expected");
                }
                chains[target] = Values.chain(vs.get(0), w, "'" + k + "' chain"); // a repeated target keeps the last, as upstream
            } else if (matchTarget >= 0) {
                if (vs.size() != 1 || !vs.get(0).equals("saddr")) {
                    throw w.error("invalid '" + k + "' option " + Text.quote(String.join(",", vs)) + " (the only supported value is 'saddr')");
                }
                match[matchTarget] = true;
            } else if (k.equals("timeout")) {
                timeout = Optional.of(timeout(timeout, vs, w));
            } else if (k.equals("users")) {
                users = users(users, vs, w);
            } else if (k.equals("jump")) {
                throw w.error("invalid 'jump' option: 'jump' is a bare word, not 'jump:' (e.g. 'jump / input: MYCHAIN')");
            } else {
                throw w.error("unknown option: '" + k
                        + "' (a jump resource takes jump, input:, forward:, output:, *-match: saddr, users:, timeout:)");
            }
        }
        if (chains[0] == null && chains[1] == null && chains[2] == null) {
            throw w.error("'jump' resource has no 'input', 'forward' or 'output' target");
        }
        for (int i = 0; i < 3; i++) {
            if (match[i] && chains[i] == null) {
                throw w.error("'" + targets.get(i) + "-match' given without an '" + targets.get(i) + ":' target");
            }
        }
        return new JumpResource(id, target(chains[0], match[0]), target(chains[1], match[1]),
                target(chains[2], match[2]), users == null ? Set.of() : users, timeout);
    }

    private static Optional<JumpResource.JumpTarget> target(String chain, boolean match) {
        return chain == null ? Optional.empty() : Optional.of(new JumpResource.JumpTarget(chain, match));
    }

    // ---------------------------------------------------------------- [NFTABLES]

    private NftablesConfig nftables() throws ConfigException {
        checkOptions(NFTABLES, NFTABLES_OPTIONS);
        NftablesConfig d = NftablesConfig.DEFAULT;
        String exe = d.exe();
        Optional<NftFamily> family = Optional.empty();
        Optional<String> table = Optional.empty();
        Optional<String> chainInput = Optional.empty();
        Optional<String> chainForward = Optional.empty();
        Optional<String> chainOutput = Optional.empty();
        Duration timeout = d.timeout();
        int maxNrRules = d.maxNrRules();

        Optional<IniDocument.Option> o = opt(NFTABLES, "exe");
        if (o.isPresent()) {
            exe = Text.trim(o.get().value());
            if (exe.isEmpty()) {
                throw where(NFTABLES, o.get()).error("is empty (expected the nft executable, e.g. nft or /usr/sbin/nft)");
            }
        }
        o = opt(NFTABLES, "family");
        if (o.isPresent()) {
            String t = Text.trim(o.get().value());
            NftFamily f = null;
            for (NftFamily c : NftFamily.values()) {
                if (c.nftName().equals(t)) {
                    f = c;
                }
            }
            if (f == null) {
                throw where(NFTABLES, o.get()).error("family " + Text.quote(t) + " is invalid (valid values: inet, ip, ip6)");
            }
            family = Optional.of(f);
        }
        o = opt(NFTABLES, "table");
        if (o.isPresent()) {
            String t = Text.trim(o.get().value());
            table = t.isEmpty() ? Optional.empty() : Optional.of(Values.chain(t, where(NFTABLES, o.get()), "table"));
        }
        chainInput = nftChain("chain-input");
        chainForward = nftChain("chain-forward");
        chainOutput = nftChain("chain-output");
        o = opt(NFTABLES, "timeout");
        if (o.isPresent()) {
            timeout = Values.duration(o.get().value(), where(NFTABLES, o.get()));
        }
        o = opt(NFTABLES, "max-nr-rules");
        if (o.isPresent()) {
            long v = Values.u32(o.get().value(), where(NFTABLES, o.get()), "number");
            maxNrRules = (int) Math.min(v, NftablesConfig.MAX_NR_RULES_CLAMP);
        }
        int perUser = 0;
        o = opt(NFTABLES, "max-nr-rules-per-user");
        if (o.isPresent()) {
            long v = Values.u32(o.get().value(), where(NFTABLES, o.get()), "number");
            if (v == 0) {
                throw where(NFTABLES, o.get()).error("must be at least 1 (leave it out for an equal share per user)");
            }
            perUser = (int) Math.min(v, NftablesConfig.MAX_NR_RULES_CLAMP);
        }
        Optional<String> ownTable = Optional.empty();
        o = opt(NFTABLES, "own-table");
        if (o.isPresent() && !Text.trim(o.get().value()).isEmpty()) {
            ownTable = Optional.of(Values.chain(o.get().value(), where(NFTABLES, o.get()), "'own-table'"));
            for (String upstream : List.of("family", "table", "chain-input", "chain-forward", "chain-output")) {
                Optional<IniDocument.Option> u = opt(NFTABLES, upstream);
                if (u.isPresent() && !Text.trim(u.get().value()).isEmpty()) {
                    throw where(NFTABLES, u.get()).error("'" + upstream + "' belongs to upstream's mode (rules in the "
                            + "admin's table), but own-table = " + ownTable.get() + " (line " + o.get().line()
                            + ") gives letmeinfwd its own table: keep one of the two (letmeinfwd/README.md)");
                }
            }
        }
        return new NftablesConfig(exe, family, table, chainInput, chainForward, chainOutput, timeout, maxNrRules,
                perUser, ownTable);
    }

    /**
     * A jump resource jumps into the admin's chains, which only exist in upstream's mode: with
     * {@code own-table} the jump could not reach them (nftables jumps only within one table).
     */
    private void checkModeFitsResources(NftablesConfig nft, Map<ResourceId, Resource> resources) throws ConfigException {
        if (nft.ownTable().isEmpty()) {
            return;
        }
        Optional<IniDocument.Section> s = doc.section(RESOURCES);
        for (Resource r : resources.values()) {
            if (r instanceof JumpResource && s.isPresent()) {
                for (IniDocument.Option o : s.get().options()) {
                    if (Values.resource(o.name(), new Where(file, o.line(), RESOURCES, o.name())).equals(r.id())) {
                        throw new Where(file, o.line(), RESOURCES, r.id()).error("a jump resource needs upstream's "
                                + "firewall mode ([NFTABLES] family, table, chain-input…: the chains it jumps to are "
                                + "in the admin's table), but [NFTABLES] own-table = " + nft.ownTable().get()
                                + " is set; nftables cannot jump from letmeinfwd's own table into another");
                    }
                }
            }
        }
    }

    /** An empty value means "not specified", as upstream; anything else must be a valid chain name. */
    private Optional<String> nftChain(String name) throws ConfigException {
        Optional<IniDocument.Option> o = opt(NFTABLES, name);
        if (o.isEmpty() || Text.trim(o.get().value()).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Values.chain(o.get().value(), where(NFTABLES, o.get()), "'" + name + "'"));
    }

    // ---------------------------------------------------------------- [CLIENT]

    private UserId defaultUser() throws ConfigException {
        checkOptions(CLIENT, CLIENT_OPTIONS);
        Optional<IniDocument.Option> o = opt(CLIENT, "default-user");
        if (o.isEmpty()) {
            return ClientConfig.DEFAULT_USER;
        }
        return Values.user(o.get().value(), where(CLIENT, o.get()));
    }
}
