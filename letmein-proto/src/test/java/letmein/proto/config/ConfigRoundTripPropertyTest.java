package letmein.proto.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import letmein.proto.auth.Key;
import letmein.proto.config.JumpResource.JumpTarget;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/**
 * Generated valid configs, written with every spelling the syntax allows (id case and leading zeros,
 * item order, whitespace, continuation lines, CRLF, hex numbers), parse back to exactly the model they
 * were written from.
 */
class ConfigRoundTripPropertyTest {
    private static final Path FILE = Path.of("gen.conf");

    record Case(String text, ControlPort port, Map<UserId, Key> keys, Map<ResourceId, Resource> resources) {
    }

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.randomValue(ConfigRoundTripPropertyTest::generate);
    }

    @Property(tries = 10000)
    void generatedConfigsParseToTheirModel(@ForAll("cases") Case c) throws ConfigException {
        byte[] bytes = c.text().getBytes(StandardCharsets.UTF_8);
        ServerConfig s = Configs.parseServer(FILE, bytes);
        assertThat(s.general().port()).isEqualTo(c.port());
        assertThat(s.keys()).isEqualTo(c.keys());
        assertThat(s.resources()).isEqualTo(c.resources());
        ClientConfig cl = Configs.parseClient(FILE, bytes);
        assertThat(cl.resources()).isEqualTo(c.resources());
        assertThat(cl.keys()).isEqualTo(c.keys());
    }

    static Case generate(Random r) {
        StringBuilder t = new StringBuilder();
        String nl = r.nextInt(4) == 0 ? "\r\n" : "\n";
        // [GENERAL] port
        int portNo = 1 + r.nextInt(65535);
        boolean tcp = r.nextBoolean();
        boolean udp = r.nextBoolean();
        List<String> items = new ArrayList<>();
        items.add(number(r, portNo));
        List<String> protos = new ArrayList<>();
        if (tcp) {
            protos.add(caseOf(r, "tcp"));
        }
        if (udp) {
            protos.add(caseOf(r, "udp"));
        }
        if (!protos.isEmpty()) {
            items.add(String.join(ws(r) + "," + ws(r), protos));
        }
        Collections.shuffle(items, r);
        t.append("[GENERAL]").append(nl).append("port =").append(ws(r)).append(String.join(ws(r) + "/" + ws(r), items))
                .append(ws(r)).append(nl).append(nl);
        ControlPort port = new ControlPort(portNo, tcp || !udp, udp);

        // [KEYS]
        Map<UserId, Key> keys = new LinkedHashMap<>();
        t.append("[KEYS]").append(nl);
        int nKeys = r.nextInt(5);
        for (int i = 0; i < nKeys; i++) {
            UserId id = new UserId(r.nextInt());
            if (keys.containsKey(id)) {
                continue;
            }
            byte[] kb = new byte[32];
            r.nextBytes(kb);
            kb[0] = 0x42; // never all-00 / all-FF
            Key key = Key.of(kb);
            keys.put(id, key);
            String hex = HexFormat.of().formatHex(kb);
            t.append(hexId(r, id.value())).append(ws(r)).append("=").append(ws(r))
                    .append(r.nextBoolean() ? hex.toUpperCase(Locale.ROOT) : hex).append(ws(r)).append(nl);
        }
        t.append("# comment").append(nl);

        // [RESOURCES]
        Map<ResourceId, Resource> resources = new LinkedHashMap<>();
        Set<Integer> usedPorts = new LinkedHashSet<>();
        t.append("[RESOURCES]").append(nl);
        int nRes = r.nextInt(8);
        for (int i = 0; i < nRes; i++) {
            ResourceId id = new ResourceId(r.nextInt());
            if (resources.containsKey(id)) {
                continue;
            }
            Set<UserId> users = new LinkedHashSet<>();
            int nUsers = r.nextInt(4);
            for (int u = 0; u < nUsers; u++) {
                users.add(new UserId(r.nextInt(1000)));
            }
            Optional<Duration> timeout = r.nextBoolean() ? Optional.empty()
                    : Optional.of(Duration.ofSeconds(1 + r.nextInt(100_000)));
            List<String> parts = new ArrayList<>();
            Resource res;
            if (r.nextBoolean()) {
                int p = 1 + r.nextInt(65535);
                if (!usedPorts.add(p)) {
                    continue;
                }
                boolean rt = r.nextBoolean();
                boolean ru = r.nextBoolean();
                parts.add("port:" + ws(r) + number(r, p));
                List<String> rp = new ArrayList<>();
                if (rt) {
                    rp.add(caseOf(r, "tcp"));
                }
                if (ru) {
                    rp.add(caseOf(r, "udp"));
                }
                if (!rp.isEmpty()) {
                    parts.add(String.join(",", rp));
                }
                res = new PortResource(id, p, rt || !ru, ru, users, timeout);
            } else {
                parts.add("jump");
                Optional<JumpTarget> in = target(r);
                Optional<JumpTarget> fw = target(r);
                Optional<JumpTarget> out = target(r);
                if (in.isEmpty() && fw.isEmpty() && out.isEmpty()) {
                    in = Optional.of(new JumpTarget("IN", false));
                }
                addTarget(r, parts, "input", in);
                addTarget(r, parts, "forward", fw);
                addTarget(r, parts, "output", out);
                res = new JumpResource(id, in, fw, out, users, timeout);
            }
            if (!users.isEmpty()) {
                List<String> us = new ArrayList<>();
                for (UserId u : users) {
                    us.add(hexId(r, u.value()));
                }
                parts.add("users:" + ws(r) + String.join(ws(r) + "," + ws(r), us));
            }
            timeout.ifPresent(d -> parts.add("timeout:" + ws(r) + d.getSeconds()));
            Collections.shuffle(parts, r);
            resources.put(id, res);
            t.append(hexId(r, id.value())).append(" =");
            for (int k = 0; k < parts.size(); k++) {
                if (k > 0) {
                    t.append(ws(r)).append('/');
                }
                // sometimes continue on the next, indented line
                t.append(r.nextInt(4) == 0 ? nl + (r.nextBoolean() ? "\t" : "    ") : " ").append(parts.get(k));
            }
            t.append(nl);
        }
        return new Case(t.toString(), port, keys, resources);
    }

    private static Optional<JumpTarget> target(Random r) {
        if (r.nextBoolean()) {
            return Optional.empty();
        }
        String alphabet = "ABCXYZabcxyz0189_.-";
        StringBuilder b = new StringBuilder();
        int len = 1 + r.nextInt(64);
        for (int i = 0; i < len; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return Optional.of(new JumpTarget(b.toString(), r.nextBoolean()));
    }

    private static void addTarget(Random r, List<String> parts, String name, Optional<JumpTarget> t) {
        if (t.isPresent()) {
            parts.add(name + ":" + ws(r) + t.get().chain());
            if (t.get().matchSaddr()) {
                parts.add(name + "-match:" + ws(r) + "saddr");
            }
        }
    }

    private static String ws(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> "";
            case 1 -> "  ";
            case 2 -> "\t";
            default -> " ";
        };
    }

    private static String number(Random r, int v) {
        return r.nextInt(4) == 0 ? "0x" + Integer.toHexString(v) : Integer.toString(v);
    }

    private static String caseOf(Random r, String word) {
        return r.nextBoolean() ? word : word.toUpperCase(Locale.ROOT);
    }

    /** A hex id with random case and 0–8 leading zeros as long as it fits 8 digits. */
    private static String hexId(Random r, int v) {
        String h = Integer.toHexString(v);
        int pad = r.nextInt(9 - h.length());
        String s = "0".repeat(pad) + h;
        return r.nextBoolean() ? s.toUpperCase(Locale.ROOT) : s;
    }
}
