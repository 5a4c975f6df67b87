package letmein.proto.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated configs (random keys, control port, port and jump resources with random users, blank and
 * comment lines between them): {@link ServerConfigCheck} reports an error on exactly the lines of the
 * resources that are the control port or that nobody with a key may open, plus the [KEYS] line when
 * there is no key; nothing else is an error.
 */
class ServerConfigCheckPropertyTest {
    private static final Path FILE = Path.of("gen.conf");
    private static final String KEY = "80E9C81DFA4879B2C64910E1B6870DA42DFB82261B76C859F3A0F5A09DEA2A3D";

    record Case(String text, Set<Integer> errorLines) {
    }

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.randomValue(ServerConfigCheckPropertyTest::generate);
    }

    @Property(tries = 2000)
    void errorsAreOnExactlyTheUnsafeLines(@ForAll("cases") Case c) throws ConfigException {
        CheckedServerConfig checked = Configs.checkServer(FILE, c.text().getBytes(StandardCharsets.UTF_8));
        Set<Integer> got = new TreeSet<>();
        for (ConfigProblem p : checked.problems()) {
            assertThat(p.file()).isEqualTo(FILE);
            assertThat(p.line()).as(c.text()).isBetween(1, c.text().split("\n", -1).length);
            if (p.isError()) {
                got.add(p.line());
            }
        }
        assertThat(got).as(c.text()).isEqualTo(c.errorLines());
        assertThat(checked.hasErrors()).isEqualTo(!c.errorLines().isEmpty());
    }

    static Case generate(Random r) {
        List<String> lines = new ArrayList<>();
        Set<Integer> errors = new TreeSet<>();
        int control = 5800 + r.nextInt(2);
        boolean ctlTcp = r.nextBoolean();
        boolean ctlUdp = !ctlTcp || r.nextBoolean();
        lines.add("[GENERAL]");
        lines.add("port = " + control + " / " + (ctlTcp && ctlUdp ? "tcp, udp" : ctlTcp ? "tcp" : "udp"));
        filler(r, lines);
        Set<Integer> keyed = new TreeSet<>();
        for (int u = 1; u <= 4; u++) {
            if (r.nextInt(3) == 0) {
                keyed.add(u);
            }
        }
        boolean keysSection = !keyed.isEmpty() || r.nextBoolean();
        if (keysSection) {
            lines.add("[KEYS]");
            if (keyed.isEmpty()) {
                errors.add(lines.size());
            }
            for (int u : keyed) {
                lines.add(Integer.toHexString(u) + " = " + KEY.substring(0, 63) + Integer.toHexString(u));
            }
            filler(r, lines);
        }
        lines.add("[RESOURCES]");
        int n = r.nextInt(5);
        Map<Integer, Boolean> usedPorts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            List<Integer> users = new ArrayList<>();
            for (int u = 1; u <= 4; u++) {
                if (r.nextInt(3) == 0) {
                    users.add(u);
                }
            }
            String userText = users.isEmpty() ? "" : " / users: " + String.join(", ",
                    users.stream().map(Integer::toHexString).toList());
            boolean unusable = users.isEmpty() ? keyed.isEmpty() : users.stream().noneMatch(keyed::contains);
            boolean onControl = false;
            String value;
            if (r.nextInt(4) == 0) {
                value = "jump / input: CHAIN" + i + userText;
            } else {
                int port = r.nextBoolean() ? control : 20 + i;
                if (usedPorts.putIfAbsent(port, true) != null) {
                    port = 100 + i; // one resource per port
                }
                boolean tcp = r.nextBoolean();
                boolean udp = !tcp || r.nextBoolean();
                onControl = port == control && (tcp && ctlTcp || udp && ctlUdp);
                value = "port: " + port + " / " + (tcp && udp ? "udp, tcp" : tcp ? "tcp" : "udp") + userText;
            }
            lines.add(Integer.toHexString(0x100 + i) + " = " + value);
            if (unusable || onControl) {
                errors.add(lines.size());
            }
            filler(r, lines);
        }
        if (!keysSection) {
            // no [KEYS]: the last line of the file (a final empty line after a newline is no line)
            int count = lines.size();
            if (lines.get(count - 1).isEmpty()) {
                count--;
            }
            errors.add(Math.max(1, count));
        }
        return new Case(String.join("\n", lines), errors);
    }

    private static void filler(Random r, List<String> lines) {
        switch (r.nextInt(3)) {
            case 0 -> lines.add("");
            case 1 -> lines.add("# comment");
            default -> {
            }
        }
    }
}
