package letmein.fwd.lease;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import letmein.fwd.nft.FirewallNames;
import letmein.proto.net.Addresses;

/**
 * What {@code letmeinfwd --list-leases} shows: every lease the kernel holds in letmeinfwd's table, read from
 * one listing, so it is true whatever letmeinfwd remembers (after a restart, while it is stopped, with two
 * daemons' views disagreeing). Port leases come from the lease sets with the owner their element comment
 * carries ({@link LeaseOwner}) and the kernel's time left; jump leases from the rules' comments
 * ({@code ADDR/jump/CHAIN/LETMEIN}), which carry neither owner nor expiry: letmeinfwd removes them itself.
 */
public record LeaseListing(String table, List<Listed> leases) {
    public LeaseListing {
        Objects.requireNonNull(table);
        leases = List.copyOf(leases);
    }

    /** One lease of the listing. */
    public sealed interface Listed permits Port, Jump {
        InetAddress address();
    }

    /** An element of a lease set: the kernel expires it. */
    public record Port(KernelLease lease) implements Listed {
        @Override
        public InetAddress address() {
            return lease.client();
        }
    }

    /** A jump rule: lives until letmeinfwd removes it (its expiry or its stop). */
    public record Jump(InetAddress address, String chain) implements Listed {
    }

    /** Reads a full listing of letmeinfwd's table ({@code nft -j list table}): sets with elements, rules. */
    public static LeaseListing of(String table, JsonNode listing) {
        List<Listed> out = new ArrayList<>();
        for (KernelLease l : FirewallSetup.leasesIn(listing)) {
            out.add(new Port(l));
        }
        for (JsonNode item : listing.path("nftables")) {
            JsonNode rule = item.get("rule");
            if (rule == null) {
                continue;
            }
            parseJump(rule.path("comment").asText("")).ifPresent(out::add);
        }
        out.sort(Comparator.comparing((Listed l) -> l.address() instanceof Inet4Address ? 0 : 1)
                .thenComparing(l -> l.address().getAddress(), Arrays::compareUnsigned)
                .thenComparing(l -> l instanceof Port p ? p.lease().port() : 65536)
                .thenComparing(l -> l instanceof Port p ? p.lease().proto().nftName() : ((Jump) l).chain()));
        return new LeaseListing(table, out);
    }

    /** {@code 192.0.2.1/jump/CHAIN/LETMEIN} → the jump lease it names; anything else is not one. */
    static Optional<Listed> parseJump(String comment) {
        int j = comment.indexOf("/jump/");
        if (j <= 0 || !comment.endsWith(FirewallNames.COMMENT_SUFFIX)) {
            return Optional.empty();
        }
        String addr = comment.substring(0, j);
        String chain = comment.substring(j + "/jump/".length(), comment.length() - FirewallNames.COMMENT_SUFFIX.length());
        if (chain.isEmpty() || addr.isEmpty()
                || !addr.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Jump(Addresses.canonical(InetAddress.getByName(addr)), chain));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * The table for a terminal: a header and one line per lease, or one line saying there is none. Columns
     * are separated by spaces and no field contains one, so {@code awk} and {@code grep} work on it.
     */
    public String text() {
        if (leases.isEmpty()) {
            return "no leases open in table " + table + "\n";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ADDRESS", "PROTO", "PORT", "USER", "RESOURCE", "EXPIRES"});
        for (Listed l : leases) {
            if (l instanceof Port p) {
                KernelLease k = p.lease();
                rows.add(new String[] {Addresses.text(k.client()), k.proto().nftName(), Integer.toString(k.port()),
                    k.owner().map(o -> o.user().toString()).orElse("-"),
                    k.owner().map(o -> o.resource().toString()).orElse("-"), duration(k.expiresSeconds())});
            } else {
                Jump jl = (Jump) l;
                rows.add(new String[] {Addresses.text(jl.address()), "jump", jl.chain(), "-", "-", "by-letmeinfwd"});
            }
        }
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(r[i]);
                if (i < r.length - 1) {
                    line.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /**
     * For scripts: an array with one object per lease, {@code address}, {@code family} ({@code ipv4},
     * {@code ipv6}), {@code protocol} ({@code tcp}, {@code udp} or {@code jump}), {@code port} or
     * {@code chain}, {@code user} and {@code resource} (null when unknown), {@code expires_in_seconds}
     * (null for a jump lease: letmeinfwd removes it, the kernel does not).
     */
    public ArrayNode json() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ArrayNode arr = f.arrayNode();
        for (Listed l : leases) {
            ObjectNode o = arr.addObject();
            o.put("address", Addresses.text(l.address()));
            o.put("family", l.address() instanceof Inet4Address ? "ipv4" : "ipv6");
            if (l instanceof Port p) {
                KernelLease k = p.lease();
                o.put("protocol", k.proto().nftName());
                o.put("port", k.port());
                putOrNull(o, "user", k.owner().map(w -> w.user().toString()));
                putOrNull(o, "resource", k.owner().map(w -> w.resource().toString()));
                o.put("expires_in_seconds", k.expiresSeconds());
                o.put("timeout_seconds", k.timeoutSeconds());
            } else {
                o.put("protocol", "jump");
                o.put("chain", ((Jump) l).chain());
                o.putNull("user");
                o.putNull("resource");
                o.putNull("expires_in_seconds");
                o.putNull("timeout_seconds");
            }
        }
        return arr;
    }

    private static void putOrNull(ObjectNode o, String field, Optional<String> v) {
        if (v.isPresent()) {
            o.put(field, v.get());
        } else {
            o.putNull(field);
        }
    }

    /** {@code 45s}, {@code 3m05s}, {@code 2h00m10s}: time left as an admin reads it. */
    static String duration(long seconds) {
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        if (h > 0) {
            return String.format("%dh%02dm%02ds", h, m, s);
        }
        if (m > 0) {
            return String.format("%dm%02ds", m, s);
        }
        return s + "s";
    }
}
