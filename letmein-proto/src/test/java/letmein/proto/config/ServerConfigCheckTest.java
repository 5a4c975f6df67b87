package letmein.proto.config;

import static letmein.proto.config.ConfigTestSupport.FILE;
import static letmein.proto.config.ConfigTestSupport.KEY1;
import static letmein.proto.config.ConfigTestSupport.KEY2;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** {@link ServerConfigCheck}: each problem, its line and its message; safe configs pass untouched. */
class ServerConfigCheckTest {
    static List<ConfigProblem> problems(String text) throws ConfigException {
        return Configs.checkServer(FILE, text.getBytes(StandardCharsets.UTF_8)).problems();
    }

    static List<String> messages(String text) throws ConfigException {
        return problems(text).stream().map(ConfigProblem::toString).toList();
    }

    /** A safe config in upstream's own style (upstream's example layout, two users, jump and port resources). */
    static final String SAFE = "[GENERAL]\ndebug = true\nport = 5800\n\n"
            + "[NFTABLES]\nfamily = inet\ntable = filter\nchain-input = LETMEIN-INPUT\nchain-forward = LETMEIN-FORWARD\n"
            + "chain-output = LETMEIN-OUTPUT\ntimeout = 600\n\n"
            + "[KEYS]\n00000001 = " + KEY1 + "\n2 = " + KEY2 + "\n\n"
            + "[RESOURCES]\n00000022 = port: 22\n0000001A = port: 4096 / udp, tcp / users: 00000001, 00000002\n"
            + "00000023 = jump / input: MYCHAIN / users: 2\n00005801 = port: 5800 / udp / users: 1\n";

    @Test
    void safeUpstreamStyleConfigPasses() throws Exception {
        // 5800/udp beside control port 5800/tcp is a warning only; without it nothing at all
        assertThat(problems(SAFE)).singleElement().satisfies(p -> {
            assertThat(p.isError()).isFalse();
            assertThat(p.line()).isEqualTo(21);
        });
        assertThat(problems(SAFE.replace("00005801 = port: 5800 / udp / users: 1\n", ""))).isEmpty();
    }

    @Test
    void noKeysAtAllIsAnErrorAtKeys() throws Exception {
        String text = "[GENERAL]\nport = 5800\n\n[KEYS]\n# none yet\n\n[RESOURCES]\n";
        assertThat(messages(text)).containsExactly(FILE + ":4: [KEYS] has no key, so nobody can knock. Fix: make a "
                + "key with 'letmein gen-key -u 00000001', put the line it prints (00000001 = <64 hex digits>) into "
                + "[KEYS] of this file and the same line into [KEYS] of the client's letmein.conf");
    }

    @Test
    void noKeysSectionPointsAtTheEndOfTheFile() throws Exception {
        List<ConfigProblem> p = problems("[GENERAL]\nport = 5800\n\n# end\n");
        assertThat(p).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(4);
            assertThat(x.isError()).isTrue();
            assertThat(x.message()).startsWith("there is no [KEYS] section, so nobody can knock. Fix: add a [KEYS] "
                    + "section; make a key with 'letmein gen-key -u 00000001'");
        });
        assertThat(problems("")).singleElement().extracting(ConfigProblem::line).isEqualTo(1);
    }

    @Test
    void resourceOnTheControlPortIsAnError() throws Exception {
        String keys = "[KEYS]\n1 = " + KEY1 + "\n";
        assertThat(messages("[GENERAL]\nport = 5810 / tcp, udp\n" + keys + "[RESOURCES]\n00000014 = port: 5810 / udp\n"))
                .containsExactly(FILE + ":6: [RESOURCES] resource 00000014 opens port 5810/udp, and letmeind's "
                        + "control port is 5810/tcp,udp ([GENERAL] port on line 2): the control port is open to "
                        + "everybody already and a resource must not be it. Fix: give the resource another port, "
                        + "or move the control port ([GENERAL] port)");
        // no [GENERAL] port: the default 5800/tcp
        assertThat(messages(keys + "[RESOURCES]\n14 = port: 5800\n")).singleElement().asString()
                .startsWith(FILE + ":4: [RESOURCES] resource 00000014 opens port 5800/tcp")
                .contains("the default, as [GENERAL] has no port option");
        // same number, other protocol: letmeinfwd refuses knocks for it; a warning, not an error
        List<ConfigProblem> other = problems("[GENERAL]\nport = 5800 / udp\n" + keys + "[RESOURCES]\n14 = port: 5800 / tcp\n");
        assertThat(other).singleElement().satisfies(p -> {
            assertThat(p.isError()).isFalse();
            assertThat(p.toString()).startsWith(FILE + ":6: warning: [RESOURCES] resource 00000014 opens port 5800/tcp");
        });
        assertThat(problems(keys + "[RESOURCES]\n14 = port: 5801\n")).isEmpty();
    }

    @Test
    void resourceWhoseUsersHaveNoKeyIsAnError() throws Exception {
        String text = "[KEYS]\n1 = " + KEY1 + "\n[RESOURCES]\n22 = port: 22 / users: 3, 00000002\n";
        assertThat(messages(text)).containsExactly(FILE + ":4: [RESOURCES] resource 00000022 may be opened only by "
                + "users: 00000002, 00000003, and none of them has a key in [KEYS], so nobody can open it. Fix: add "
                + "their keys to [KEYS] ('letmein gen-key -u 00000002') or correct the users: list");
        // jump resources too
        assertThat(problems("[KEYS]\n1 = " + KEY1 + "\n[RESOURCES]\n23 = jump / input: X / users: 2\n"))
                .singleElement().satisfies(p -> assertThat(p.isError()).isTrue());
    }

    @Test
    void someListedUsersWithoutKeyIsAWarning() throws Exception {
        String text = "[KEYS]\n1 = " + KEY1 + "\n[RESOURCES]\n22 = port: 22 / users: 1, 2\n";
        assertThat(problems(text)).singleElement().satisfies(p -> {
            assertThat(p.isError()).isFalse();
            assertThat(p.toString()).isEqualTo(FILE + ":4: warning: [RESOURCES] resource 00000022 lists users: "
                    + "00000002 without a key in [KEYS]; they cannot knock. Fix: add their keys ('letmein gen-key -u "
                    + "00000002') or remove them from users:");
        });
    }

    @Test
    void unrestrictedResourceWithoutAnyKeyIsAnError() throws Exception {
        String text = "[KEYS]\n[RESOURCES]\n22 = port: 22\n";
        List<ConfigProblem> p = problems(text);
        assertThat(p).extracting(ConfigProblem::line).containsExactly(1, 3);
        assertThat(p).allMatch(ConfigProblem::isError);
        assertThat(p.get(1).message()).isEqualTo("[RESOURCES] resource 00000022 is for every user with a key, and "
                + "[KEYS] has no key, so nobody can open it. Fix: add a key to [KEYS] ('letmein gen-key -u 00000001')");
    }

    @Test
    void problemsAreInLineOrder() throws Exception {
        String text = "[KEYS]\n1 = " + KEY1 + "\n[RESOURCES]\n9 = port: 5800\n8 = port: 22 / users: 7\n"
                + "7 = port: 23 / users: 1, 6\n";
        assertThat(problems(text)).extracting(ConfigProblem::line).containsExactly(4, 5, 6);
    }
}
