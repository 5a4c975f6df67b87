package letmein.proto.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.Size;

/**
 * The config parsers under random, token-built and mutated input: they either return a config or throw
 * {@link ConfigException} with a sane location — never an unchecked exception that would crash a
 * daemon at start or hide the real problem from the administrator.
 */
class ConfigFuzzPropertyTest {
    private static final Path FILE = Path.of("fuzz.conf");
    private static final String KEY = "80E9C81DFA4879B2C64910E1B6870DA42DFB82261B76C859F3A0F5A09DEA2A3D";

    /** Valid configs the mutations start from (upstream's integration-test config and variants). */
    static final List<String> CORPUS = List.of(
            "[GENERAL]\ndebug = true\nport = 5810 / tcp\ncontrol-timeout = 5.0\ncontrol-error-policy = always\n"
                    + "seccomp = kill\n\n[NFTABLES]\nexe = nft\nfamily = inet\ntable = filter\nchain-input = LETMEIN-INPUT\n"
                    + "chain-forward = LETMEIN-FORWARD\nchain-output = LETMEIN-OUTPUT\ntimeout = 600\nmax-nr-rules = 5\n\n"
                    + "[KEYS]\n12345678 = " + KEY + "\n\n[RESOURCES]\n87654321 = port: 42\n\naabbccdd = jump /\n"
                    + "           input: MYCHAIN-INPUT / forward: MYCHAIN-FORWARD / output: MYCHAIN-OUTPUT /\n"
                    + "           input-match: saddr / forward-match: saddr / output-match: saddr /\n"
                    + "           users: 12345678 /\n           timeout: 60\n",
            "# client\n[GENERAL]\nport = udp, tcp / 0x16A8\ncontrol-timeout = 0.25\n\n[CLIENT]\ndefault-user = 1\n\n"
                    + "[KEYS]\n1 = " + KEY.toLowerCase() + "\r\n2 = " + KEY + "\n[RESOURCES]\n1 = port: 22 / udp, tcp / users: 1, 2 / timeout: 42\n"
                    + "2 = port: 0x50\n",
            "[RESOURCES]\n23 = jump / input: A / input: B / users: 1\n\t\n[NFTABLES]\nmax-nr-rules = 0x7fffffff\ntimeout = 1e3\n");

    private static final List<String> TOKENS = List.of("[GENERAL]", "[KEYS]", "[RESOURCES]", "[NFTABLES]", "[CLIENT]",
            "[", "]", "=", " = ", "/", " / ", ",", ":", "port", "port:", "jump", "tcp", "udp", "TCP", "users:",
            "timeout:", "input:", "forward:", "output:", "input-match:", "saddr", "debug", "true", "control-timeout",
            "control-error-policy", "basic-auth", "seccomp", "kill", "family", "inet", "table", "chain-input",
            "max-nr-rules", "default-user", "exe", "0", "1", "22", "65535", "65536", "0x", "0x16", "-1", "1.5", "1e9",
            "4294967295", "4294967296", "0x1", "0xg", "+", "1 ", "e", "NaN", "ffffffff", "123456789", KEY, "00".repeat(32), "FF".repeat(32),
            "#", " ", "  ", "\t", "\n", "\r\n", "\r", "\n  ", "\u00e4", "\u0661", "\uFEFF", "\u00A0", "\u0000", "\uD800");

    @Provide
    Arbitrary<String> randomText() {
        return Arbitraries.strings().ofMaxLength(300).withChars("[]=/:,# \t\r\n0123456789abcdefxABCDEF-.+")
                .withCharRange('\u0000', '\u00ff').withCharRange('\u2000', '\u2030');
    }

    @Provide
    Arbitrary<String> tokenText() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(60).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<String> mutatedConfigs() {
        return Arbitraries.randomValue(ConfigFuzzPropertyTest::mutate);
    }

    /** 1–3 random edits of a corpus config: delete, insert a token, replace, duplicate or drop a line. */
    static String mutate(Random r) {
        StringBuilder s = new StringBuilder(CORPUS.get(r.nextInt(CORPUS.size())));
        int edits = 1 + r.nextInt(3);
        for (int i = 0; i < edits; i++) {
            int pos = s.length() == 0 ? 0 : r.nextInt(s.length() + 1);
            switch (r.nextInt(6)) {
                case 0 -> s.delete(pos, Math.min(s.length(), pos + 1 + r.nextInt(8)));
                case 1 -> s.insert(pos, TOKENS.get(r.nextInt(TOKENS.size())));
                case 2 -> {
                    if (pos < s.length()) {
                        s.setCharAt(pos, (char) r.nextInt(0x180));
                    }
                }
                case 3 -> {
                    List<String> lines = new ArrayList<>(List.of(s.toString().split("\n", -1)));
                    int l = r.nextInt(lines.size());
                    lines.add(r.nextInt(lines.size() + 1), lines.get(l));
                    s = new StringBuilder(String.join("\n", lines));
                }
                case 4 -> {
                    List<String> lines = new ArrayList<>(List.of(s.toString().split("\n", -1)));
                    lines.remove(r.nextInt(lines.size()));
                    s = new StringBuilder(String.join("\n", lines));
                }
                default -> s.insert(pos, r.nextBoolean() ? "  " : "\n");
            }
        }
        return s.toString();
    }

    /** Parses as server and as client; only ConfigException may come out, with a plausible line. */
    private static void parsesOrFailsCleanly(byte[] bytes) {
        int lines = 1;
        for (byte b : bytes) {
            if (b == '\n') {
                lines++;
            }
        }
        try {
            ServerConfig s = Configs.parseServer(FILE, bytes);
            assertThat(s.checksum()).isEqualTo(ConfigChecksum.of(bytes));
            assertThat(Configs.parseServer(FILE, bytes)).isEqualTo(s); // deterministic
            Statistics.label("server").collect("parsed");
        } catch (ConfigException e) {
            Statistics.label("server").collect("ConfigException");
            assertThat(e.line()).isBetween(1, lines);
            assertThat(e.file()).isEqualTo(FILE);
            assertThat(e.problem()).isNotBlank();
        }
        try {
            ClientConfig c = Configs.parseClient(FILE, bytes);
            assertThat(c.exists()).isTrue();
            Statistics.label("client").collect("parsed");
        } catch (ConfigException e) {
            Statistics.label("client").collect("ConfigException");
            assertThat(e.line()).isBetween(1, lines);
            assertThat(e.problem()).isNotBlank();
        }
    }

    @Example
    void corpusIsValid() throws ConfigException {
        for (String text : CORPUS) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            Configs.parseServer(FILE, b);
            Configs.parseClient(FILE, b);
        }
    }

    @Property(tries = 10000)
    void randomStrings(@ForAll("randomText") String text) {
        parsesOrFailsCleanly(text.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 10000)
    void randomBytes(@ForAll @Size(max = 300) byte[] bytes) {
        parsesOrFailsCleanly(bytes);
    }

    @Property(tries = 10000)
    void tokenStrings(@ForAll("tokenText") String text) {
        parsesOrFailsCleanly(text.getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<String> shortTokenText() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(6).map(l -> String.join("", l));
    }

    @Property(tries = 10000)
    void tokenStringsInsideSections(@ForAll("shortTokenText") String value,
            @ForAll("sectionAndName") String prefix) {
        parsesOrFailsCleanly((prefix + value + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<String> sectionAndName() {
        return Arbitraries.of("[GENERAL]\nport = ", "[GENERAL]\ncontrol-timeout = ", "[GENERAL]\ndebug = ",
                "[GENERAL]\ncontrol-error-policy = ", "[KEYS]\n1 = ", "[KEYS]\n", "[RESOURCES]\n1 = ",
                "[RESOURCES]\n1 = port: 22\n2 = ", "[RESOURCES]\n1 = jump / ", "[RESOURCES]\n",
                "[NFTABLES]\nmax-nr-rules = ", "[NFTABLES]\ntimeout = ", "[NFTABLES]\nchain-input = ",
                "[NFTABLES]\nfamily = ", "[CLIENT]\ndefault-user = ");
    }

    @Property(tries = 10000)
    void mutatedValidConfigs(@ForAll("mutatedConfigs") String text) {
        parsesOrFailsCleanly(text.getBytes(StandardCharsets.UTF_8));
    }
}
