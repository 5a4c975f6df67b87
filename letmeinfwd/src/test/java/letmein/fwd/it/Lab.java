package letmein.fwd.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;

import letmein.fwd.nft.JsonText;

/**
 * A network namespace with the shipped conf/nftables.conf loaded (plus test chains), created per test
 * class with the prefix lmfwd- and a random suffix, and always deleted again. Requires root, nft, ip.
 */
final class Lab implements AutoCloseable {
    static final Path REPO = Path.of("").toAbsolutePath().getParent();
    final String ns;
    final List<String> extraNamespaces = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();

    private Lab(String ns) {
        this.ns = ns;
    }

    /** Fails (never skips) when the environment cannot run real nftables tests. */
    static void requireEnvironment() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new AssertionError("letmeinfwd integration tests need root (network namespaces, nftables); "
                    + "run ./run-tests.sh as root");
        }
        for (String tool : List.of("nft", "ip", "setpriv")) {
            if (Cmd.run(List.of("sh", "-c", "command -v " + tool)).exit() != 0) {
                throw new AssertionError("letmeinfwd integration tests need '" + tool + "' (apt-get install "
                        + (tool.equals("setpriv") ? "util-linux" : tool.equals("ip") ? "iproute2" : "nftables") + ")");
            }
        }
        if (!Files.isRegularFile(REPO.resolve("letmeinfwd/target/letmeinfwd.jar"))) {
            throw new AssertionError("letmeinfwd/target/letmeinfwd.jar is missing: run 'mvn -pl letmeinfwd -am verify'");
        }
    }

    static String name(String what) {
        return "lmfwd-" + what + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    }

    /** A fresh namespace with lo up and conf/nftables.conf plus chains MYCHAIN-IN/-FWD/-OUT loaded. */
    static Lab create(String what) {
        requireEnvironment();
        Lab lab = new Lab(name(what));
        Cmd.run(List.of("ip", "netns", "add", lab.ns)).ok("ip netns add");
        try {
            lab.exec("ip", "link", "set", "lo", "up").ok("lo up");
            lab.exec("nft", "-f", REPO.resolve("conf/nftables.conf").toString()).ok("nft -f conf/nftables.conf");
            lab.nftScript("add chain inet filter MYCHAIN-IN\nadd chain inet filter MYCHAIN-FWD\n"
                    + "add chain inet filter MYCHAIN-OUT\n");
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    /** A fresh namespace with lo up and {@code ruleset} (nft syntax; may be empty) as its only ruleset. */
    static Lab createWith(String what, String ruleset) {
        requireEnvironment();
        Lab lab = new Lab(name(what));
        Cmd.run(List.of("ip", "netns", "add", lab.ns)).ok("ip netns add");
        try {
            lab.exec("ip", "link", "set", "lo", "up").ok("lo up");
            if (!ruleset.isBlank()) {
                lab.nftScript(ruleset);
            }
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    /**
     * Another namespace joined to this one by a veth pair: this side {@code prefix.1} and
     * {@code ula::1}, the peer {@code prefix.2} and {@code ula::2} (ula: the prefix before "::", e.g. fd00:215) (private and ULA addresses only).
     * Returns the peer's namespace name (removed with the lab).
     */
    String addPeer(String what, String ifname, String v4Prefix, String ulaPrefix) {
        String peer = name(what);
        extraNamespaces.add(peer);
        Cmd.run(List.of("ip", "netns", "add", peer)).ok("ip netns add");
        exec("ip", "link", "add", ifname, "type", "veth", "peer", "name", "p" + ifname, "netns", peer).ok("veth");
        exec("ip", "addr", "add", v4Prefix + ".1/24", "dev", ifname).ok("addr");
        exec("ip", "addr", "add", ulaPrefix + "::1/64", "dev", ifname, "nodad").ok("addr6");
        exec("ip", "link", "set", ifname, "up").ok("up");
        Cmd.run(List.of("ip", "netns", "exec", peer, "sh", "-c",
                "ip link set lo up && ip link set p" + ifname + " up && ip addr add " + v4Prefix + ".2/24 dev p" + ifname
                        + " && ip addr add " + ulaPrefix + "::2/64 dev p" + ifname + " nodad")).ok("peer side");
        return peer;
    }

    Cmd.Result exec(String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        return Cmd.run(full);
    }

    void nftScript(String script) {
        List<String> full = List.of("ip", "netns", "exec", ns, "nft", "-f", "-");
        Cmd.run(full, script).ok("nft -f - <<< " + script);
    }

    /** {@code nft -j list table inet filter}. */
    JsonNode table() {
        try {
            return JsonText.parse(exec("nft", "-j", "list", "table", "inet", "filter").ok("nft list").out());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Elements of a set as text "addr . proto . port" → timeout seconds (-1 if absent). */
    java.util.Map<String, Long> elements(String set) {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        for (JsonNode item : table().path("nftables")) {
            JsonNode s = item.get("set");
            if (s == null || !s.path("name").asText().equals(set)) {
                continue;
            }
            for (JsonNode e : s.path("elem")) {
                JsonNode el = e.path("elem");
                StringBuilder sb = new StringBuilder();
                for (JsonNode v : el.path("val").path("concat")) {
                    sb.append(sb.length() == 0 ? "" : " . ").append(v.asText());
                }
                out.put(sb.toString(), el.has("expires") ? el.get("expires").asLong() : -1L);
            }
        }
        return out;
    }

    /** True if the set exists in the table. */
    boolean hasSet(String set) {
        for (JsonNode item : table().path("nftables")) {
            JsonNode s = item.get("set");
            if (s != null && s.path("name").asText().equals(set)) {
                return true;
            }
        }
        return false;
    }

    /** Rules of a chain as "comment | expr-json", counters removed, in order. */
    List<String> rules(String chain) {
        List<String> out = new ArrayList<>();
        for (JsonNode item : table().path("nftables")) {
            JsonNode r = item.get("rule");
            if (r == null || !r.path("chain").asText().equals(chain)) {
                continue;
            }
            StringBuilder sb = new StringBuilder(r.path("comment").asText("")).append(" | ");
            for (JsonNode e : r.path("expr")) {
                if (!e.has("counter")) {
                    sb.append(JsonText.text(e));
                }
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** Everything letmeinfwd may change, for "nothing changed" assertions (expiry countdown stripped). */
    String snapshot() {
        StringBuilder sb = new StringBuilder();
        for (String chain : List.of("LETMEIN-INPUT", "LETMEIN-FORWARD", "LETMEIN-OUTPUT")) {
            sb.append(chain).append(rules(chain)).append('\n');
        }
        sb.append(elements("letmein-v4").keySet()).append(elements("letmein-v6").keySet());
        return sb.toString();
    }

    /** A temporary directory (0755, so unprivileged probes can reach sockets in it), deleted on close. */
    Path newDir() throws IOException {
        Path d = Daemon.newDir();
        dirs.add(d);
        return d;
    }

    @Override
    public void close() {
        for (Path d : dirs) {
            try (var walk = Files.walk(d)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort: a leftover temp dir is harmless
            }
        }
        for (String extra : extraNamespaces) {
            Cmd.run(List.of("ip", "netns", "del", extra));
        }
        Cmd.run(List.of("ip", "netns", "del", ns));
    }
}
