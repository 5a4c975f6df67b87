package letmein.proto.config;

import static letmein.proto.config.ConfigTestSupport.FILE;
import static letmein.proto.config.ConfigTestSupport.KEY1;
import static letmein.proto.config.ConfigTestSupport.KEY2;
import static letmein.proto.config.ConfigTestSupport.client;
import static letmein.proto.config.ConfigTestSupport.clientError;
import static letmein.proto.config.ConfigTestSupport.server;
import static letmein.proto.config.ConfigTestSupport.serverError;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import letmein.proto.auth.Key;
import letmein.proto.config.JumpResource.JumpTarget;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;

/** One test (or more) per rule of the config model (ConfigParser), including the cases of upstream's config tests. */
class ConfigsTest {

    // ------------------------------------------------------------------ [GENERAL]

    @Test
    void upstreamGeneral() throws Exception {
        ServerConfig c = server("[GENERAL]\ndebug = true\nport = 1234\ncontrol-timeout = 1.5\n"
                + "control-error-policy =  basic-auth \nseccomp = kill\n");
        assertThat(c.general()).isEqualTo(new GeneralConfig(true, new ControlPort(1234, true, false),
                Duration.ofMillis(1500), ErrorPolicy.BASIC_AUTH, SeccompMode.KILL));
    }

    @Test
    void generalDefaults() throws Exception {
        assertThat(server("").general()).isEqualTo(GeneralConfig.DEFAULT);
        assertThat(server("[GENERAL]\n").general()).isEqualTo(GeneralConfig.DEFAULT);
        assertThat(GeneralConfig.DEFAULT.errorPolicy()).isEqualTo(ErrorPolicy.BASIC_AUTH); // stealth by default (README.md)
        assertThat(client("").general()).isEqualTo(GeneralConfig.DEFAULT);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"true|true", "1|true", "yes|true", "on|true", " TRUE |true", "Yes|true",
        "false|false", "0|false", "no|false", "off|false", "OFF|false"})
    void booleans(String text, boolean expected) throws Exception {
        assertThat(server("[GENERAL]\ndebug = " + text + "\n").general().debug()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"maybe", "", "2", "true # comment", "t"})
    void invalidBoolean(String text) {
        ConfigException e = serverError("[GENERAL]\n\ndebug = " + text + "\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problem()).startsWith("[GENERAL] debug: invalid boolean '" + text.strip() + "'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1234|1234|true|false", "1234 / TCP |1234|true|false", "1234/UDP|1234|false|true",
        "1234/ UDP , TCP|1234|true|true", "udp, tcp / 1234|1234|true|true", "5800/tcp|5800|true|false",
        "5800 / udp, tcp|5800|true|true", "udp|5800|false|true", "0x10|16|true|false", "65535|65535|true|false",
        "tcp / 22 / udp|22|true|true"})
    void controlPortVariants(String text, int port, boolean tcp, boolean udp) throws Exception {
        assertThat(server("[GENERAL]\nport = " + text + "\n").general().port()).isEqualTo(new ControlPort(port, tcp, udp));
        assertThat(client("[GENERAL]\nport = " + text + "\n").general().port()).isEqualTo(new ControlPort(port, tcp, udp));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "5800, tcp|Unknown option: '5800'",
        "5800 # x|Unknown option: '5800 # x'",
        "port: 5800|Unknown option: 'port'",
        "0|port 0 is reserved",
        "65536|invalid port number '65536'",
        "5800 / 5801|more than one port number",
        "''|invalid port number ''",
        "tcp, sctp|Unknown option: 'sctp'",
        "0x|invalid port number '0x'",
        "5800 /|invalid port number ''",
        ": tcp|invalid item ': tcp': no name before ':'"})
    void invalidControlPort(String text, String message) {
        ConfigException e = serverError("[GENERAL]\ndebug = false\nport = " + text + "\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problem()).startsWith("[GENERAL] port: ").contains(message);
    }

    @Test
    void checksumIsOverRawBytesAndChangesWithContent() throws Exception {
        String a = "[GENERAL]\nport = 1234\n";
        String b = "[GENERAL]\nport = 1234 \n";
        ServerConfig ca = server(a);
        assertThat(ca.checksum()).isEqualTo(ConfigChecksum.of(a.getBytes(StandardCharsets.UTF_8)));
        assertThat(ca.checksum().matches(server(b).checksum())).isFalse();
        assertThat(ca.general()).isEqualTo(server(b).general());
        assertThat(ca.checksum().matches(server(a).checksum())).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"1.5|1500", "5|5000", " 0.25 |250", "0x10|16000", "1e3|1000000",
        ".5|500", "5.|5000", "+2|2000", "0.001|1", "4294967295|4294967295000", "4294967295.0|4294967295000"})
    void durations(String text, long millis) throws Exception {
        assertThat(server("[GENERAL]\ncontrol-timeout = " + text + "\n").general().controlTimeout())
                .isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "nan", "inf", "abc", "", "4294967296", "4294967295.5", "1,5", "5s", "0x", "1e400", "0x1p3",
        "1.5f", "Infinity"})
    void invalidDurations(String text) {
        ConfigException e = serverError("[GENERAL]\ncontrol-timeout = " + text + "\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).isEqualTo("[GENERAL] control-timeout: invalid duration '" + text
                + "' (expected seconds: a number from 0.001 to 4294967295, e.g. 60 or 1.5)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.0", "0.0001", "-0"})
    void zeroDurationsAreRefused(String text) {
        ConfigException e = serverError("[GENERAL]\ncontrol-timeout = " + text + "\n");
        assertThat(e.problem()).isEqualTo("[GENERAL] control-timeout: duration '" + text
                + "' is too short (must be at least 0.001 seconds)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"always|ALWAYS", " basic-auth |BASIC_AUTH", "FULL-AUTH|FULL_AUTH",
        "Basic-Auth|BASIC_AUTH"})
    void errorPolicy(String text, ErrorPolicy expected) throws Exception {
        assertThat(server("[GENERAL]\ncontrol-error-policy = " + text + "\n").general().errorPolicy()).isEqualTo(expected);
    }

    @Test
    void invalidErrorPolicy() {
        ConfigException e = serverError("[GENERAL]\ncontrol-error-policy = never\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).isEqualTo(
                "[GENERAL] control-error-policy: invalid value 'never' (valid values: always, basic-auth, full-auth)");
        assertThat(serverError("[GENERAL]\ncontrol-error-policy = basic_auth\n").problem()).contains("'basic_auth'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"off|OFF", "log|LOG", " kill |KILL", "KILL|KILL"})
    void seccomp(String text, SeccompMode expected) throws Exception {
        assertThat(server("[GENERAL]\nseccomp = " + text + "\n").general().seccomp()).isEqualTo(expected);
    }

    @Test
    void invalidSeccomp() {
        ConfigException e = serverError("[GENERAL]\nseccomp = strict\n");
        assertThat(e.problem()).isEqualTo("[GENERAL] seccomp: invalid value 'strict' (valid values: off, log, kill)");
    }

    @Test
    void unknownGeneralOptionIsRejected() {
        ConfigException e = serverError("[GENERAL]\nport = 5800\ncontol-timeout = 5\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problem()).startsWith("[GENERAL] Unknown option 'contol-timeout' (known options: debug, port,");
        assertThat(clientError("[GENERAL]\nPort = 5800\n").problem()).startsWith("[GENERAL] Unknown option 'Port'");
    }

    @Test
    void unknownSectionIsRejected() {
        ConfigException e = serverError("[GENERAL]\n\n[RESOURCE]\n1 = port: 22\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problem()).startsWith("Unknown section [RESOURCE]");
        assertThat(clientError("[general]\n").problem()).startsWith("Unknown section [general]");
    }

    // ------------------------------------------------------------------ [KEYS]

    @Test
    void keys() throws Exception {
        ServerConfig c = server("[KEYS]\n12345678 = " + KEY1 + "\n1 =  " + KEY2.toUpperCase() + " \nabcdef = " + KEY2 + "\n");
        assertThat(c.keys()).hasSize(3);
        assertThat(c.key(UserId.parse("12345678"))).contains(Key.parseHex(KEY1));
        assertThat(c.key(new UserId(1))).contains(Key.parseHex(KEY2));
        assertThat(c.key(new UserId(0xABCDEF))).contains(Key.parseHex(KEY2));
        assertThat(c.key(new UserId(2))).isEmpty();
        assertThat(c.key(new UserId(0x12345678)).orElseThrow().bytes()[0]).isEqualTo((byte) 0x80);
    }

    @Test
    void keyMustBe64HexDigits() {
        ConfigException e = serverError("[KEYS]\n1 = " + KEY1.substring(1) + "\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).isEqualTo("[KEYS] 1: Invalid key for user 00000001: Key must be exactly 64 hex digits, got 63 characters");
        e = serverError("[KEYS]\n1 = " + KEY1.substring(1) + "G\n");
        assertThat(e.problem()).isEqualTo("[KEYS] 1: Invalid key for user 00000001: Key is not valid hex: it must be exactly 64 hex digits");
        assertThat(e.problem()).doesNotContain(KEY1.substring(1, 20)); // key material never echoed
        assertThat(serverError("[KEYS]\n1 = \n").problem()).contains("got 0 characters");
    }

    @Test
    void keyAllZerosOrOnesIsRejected() {
        assertThat(serverError("[KEYS]\n1 = " + "00".repeat(32) + "\n").problem())
                .isEqualTo("[KEYS] 1: Invalid key for user 00000001: Key is all zeros");
        assertThat(serverError("[KEYS]\n00000002 = " + "ff".repeat(32) + "\n").problem())
                .isEqualTo("[KEYS] 00000002: Invalid key for user 00000002: Key is all ones");
    }

    @ParameterizedTest
    @ValueSource(strings = {"xyz", "123456789", "0x1", "-1", "1 2", "\u0661"})
    void invalidUserIdInKeys(String id) {
        ConfigException e = serverError("[KEYS]\n" + id + " = " + KEY1 + "\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).startsWith("[KEYS] " + id + ": 'user' id is invalid: '" + id + "'");
    }

    @Test
    void duplicateKeyIdWithDifferentSpelling() {
        ConfigException e = serverError("[KEYS]\n1 = " + KEY1 + "\n00000001 = " + KEY2 + "\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problem()).isEqualTo("[KEYS] 00000001: Multiple definitions of key '00000001' (first defined on line 2)");
        assertThat(serverError("[KEYS]\nab = " + KEY1 + "\n000000AB = " + KEY2 + "\n").problem())
                .contains("Multiple definitions of key '000000AB'");
    }

    // ------------------------------------------------------------------ [RESOURCES]: port

    @Test
    void upstreamPortResources() throws Exception {
        ServerConfig c = server("[RESOURCES]\n1 = port: 22\n2 = port: 4096 / udp / users: 1, 2, 3\n"
                + "3 = port: 4097 / udp, tcp / users: 4 / timeout: 42\n4 = port: 0x10 / TCP / timeout: 1.5\n"
                + "5 = tcp / port: 5000\n");
        assertThat(c.resource(new ResourceId(1))).contains(new PortResource(new ResourceId(1), 22, true, false,
                Set.of(), Optional.empty()));
        assertThat(c.resource(new ResourceId(2))).contains(new PortResource(new ResourceId(2), 4096, false, true,
                Set.of(new UserId(1), new UserId(2), new UserId(3)), Optional.empty()));
        assertThat(c.resource(new ResourceId(3))).contains(new PortResource(new ResourceId(3), 4097, true, true,
                Set.of(new UserId(4)), Optional.of(Duration.ofSeconds(42))));
        assertThat(c.resource(new ResourceId(4))).contains(new PortResource(new ResourceId(4), 16, true, false,
                Set.of(), Optional.of(Duration.ofMillis(1500))));
        assertThat(c.resource(new ResourceId(5)).orElseThrow()).isInstanceOf(PortResource.class);
        assertThat(c.resources()).hasSize(5);
    }

    @Test
    void docExampleWithCommaIsRejected() {
        ConfigException e = serverError("[RESOURCES]\n\n1234 = port: 1234, timeout: 42\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problem()).startsWith("[RESOURCES] 00001234: invalid 'port' option '1234,timeout: 42'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "port: 0|port 0 is reserved",
        "port: 65536|invalid port number '65536'",
        "port: ssh|invalid port number 'ssh'",
        "port:|invalid port number ''",
        "port: 1 / port: 2|multiple 'port' values",
        "port: 22 / users:|'user' id is invalid: ''",
        "port: 22 / users: 1, zz|'user' id is invalid: 'zz'",
        "port: 22 / users: 1 / users: 2|multiple 'users' values",
        "port: 22 / timeout: 1 / timeout: 2|multiple 'timeout' values",
        "port: 22 / timeout: 1, 2|invalid 'timeout' option '1,2'",
        "port: 22 / timeout: -5|invalid duration '-5'",
        "port: 22 / sctp|unknown option: 'sctp'",
        "port: 22 / tcp, ssh|unknown option: 'ssh'",
        "port: 22 / foo: bar|unknown option: 'foo'",
        "port: 22 / Users: 1|unknown option: 'Users'",
        "port: 22 / tcp / input: X|unknown option: 'input'",
        "port: 22 /|unknown option: ''",
        "port: 22 / jump|is not a 'port' resource: it has both 'port:' and 'jump'",
        "tcp / udp|is not a 'port' resource: it has neither 'port: N' nor a bare 'jump'",
        "''|is not a 'port' resource",
        "Port: 22|is not a 'port' resource"})
    void invalidPortResources(String text, String message) {
        ConfigException e = serverError("[RESOURCES]\n1 = port: 80\n\n2 = " + text + "\n");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.problem()).startsWith("[RESOURCES] 00000002: ").contains(message);
    }

    @Test
    void samePortTwiceIsRejectedWhateverTheProtocol() {
        ConfigException e = serverError("[RESOURCES]\n1 = port: 22 / tcp\n2 = port: 0x16 / udp\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problem()).isEqualTo("[RESOURCES] 00000002: Multiple definitions of resource port '22' "
                + "(also used by resource 00000001 on line 2)");
    }

    @Test
    void duplicateResourceIdWithDifferentSpelling() {
        ConfigException e = serverError("[RESOURCES]\n1a = port: 22\n0000001A = port: 23\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problem()).isEqualTo("[RESOURCES] 0000001A: Multiple definitions of resource ID '0000001A' "
                + "(first defined on line 2)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x1", "123456789", "g", "1 2"})
    void invalidResourceId(String id) {
        ConfigException e = serverError("[RESOURCES]\n" + id + " = port: 22\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).startsWith("[RESOURCES] " + id + ": 'resource' id is invalid: '" + id + "'");
    }

    @Test
    void controlPortAsResourceIsAcceptedAtLoadTime() throws Exception {
        assertThat(server("[GENERAL]\nport = 5800\n[RESOURCES]\n1 = port: 5800\n").resources()).hasSize(1);
    }

    // ------------------------------------------------------------------ [RESOURCES]: jump

    @Test
    void multiLineJumpExampleFromTheDocs() throws Exception {
        ServerConfig c = server("[RESOURCES]\n00000023 = jump /\n           input: MYCHAIN-INPUT / forward: MYCHAIN-FORWARD /\n"
                + "           input-match: saddr / users: 00000001 / timeout: 60\n");
        assertThat(c.resource(new ResourceId(0x23))).contains(new JumpResource(new ResourceId(0x23),
                Optional.of(new JumpTarget("MYCHAIN-INPUT", true)), Optional.of(new JumpTarget("MYCHAIN-FORWARD", false)),
                Optional.empty(), Set.of(new UserId(1)), Optional.of(Duration.ofSeconds(60))));
    }

    @Test
    void upstreamIntegrationTestConfig() throws Exception {
        String text = "[GENERAL]\ndebug = true\nport = 5810 / tcp\ncontrol-timeout = 5.0\ncontrol-error-policy = always\n"
                + "seccomp = kill\n\n[NFTABLES]\nexe = nft\nfamily = inet\ntable = filter\nchain-input = LETMEIN-INPUT\n"
                + "chain-forward = LETMEIN-FORWARD\nchain-output = LETMEIN-OUTPUT\ntimeout = 600\nmax-nr-rules = 5\n\n"
                + "[KEYS]\n12345678 = " + KEY1 + "\n\n[RESOURCES]\n87654321 = port: 42\n\naabbccdd = jump /\n"
                + "           input: MYCHAIN-INPUT / forward: MYCHAIN-FORWARD / output: MYCHAIN-OUTPUT /\n"
                + "           input-match: saddr / forward-match: saddr / output-match: saddr /\n"
                + "           users: 12345678 /\n           timeout: 60\n";
        ServerConfig c = server(text);
        assertThat(c.general()).isEqualTo(new GeneralConfig(true, new ControlPort(5810, true, false),
                Duration.ofSeconds(5), ErrorPolicy.ALWAYS, SeccompMode.KILL));
        assertThat(c.nftables()).isEqualTo(new NftablesConfig("nft", Optional.of(NftFamily.INET), Optional.of("filter"),
                Optional.of("LETMEIN-INPUT"), Optional.of("LETMEIN-FORWARD"), Optional.of("LETMEIN-OUTPUT"),
                Duration.ofSeconds(600), 5));
        assertThat(c.resource(ResourceId.parse("AABBCCDD"))).contains(new JumpResource(ResourceId.parse("aabbccdd"),
                Optional.of(new JumpTarget("MYCHAIN-INPUT", true)), Optional.of(new JumpTarget("MYCHAIN-FORWARD", true)),
                Optional.of(new JumpTarget("MYCHAIN-OUTPUT", true)), Set.of(UserId.parse("12345678")),
                Optional.of(Duration.ofSeconds(60))));
        assertThat(c.resource(ResourceId.parse("87654321"))).contains(new PortResource(ResourceId.parse("87654321"), 42,
                true, false, Set.of(), Optional.empty()));
        assertThat(c.key(UserId.parse("12345678"))).contains(Key.parseHex(KEY1));
    }

    @Test
    void jumpVariants() throws Exception {
        ServerConfig c = server("[RESOURCES]\n1 = jump / output: OUT\n2 = input: A / jump / input: B\n"
                + "3 = jump / forward: a_b.c-d / forward-match: saddr / forward-match: saddr\n4 = jump / input: "
                + "x".repeat(64) + "\n");
        assertThat(c.resource(new ResourceId(1))).contains(new JumpResource(new ResourceId(1), Optional.empty(),
                Optional.empty(), Optional.of(new JumpTarget("OUT", false)), Set.of(), Optional.empty()));
        // a repeated target keeps the last one, as upstream
        assertThat(((JumpResource) c.resource(new ResourceId(2)).orElseThrow()).input())
                .contains(new JumpTarget("B", false));
        assertThat(((JumpResource) c.resource(new ResourceId(3)).orElseThrow()).forward())
                .contains(new JumpTarget("a_b.c-d", true));
        assertThat(((JumpResource) c.resource(new ResourceId(4)).orElseThrow()).input().orElseThrow().chain()).hasSize(64);
    }

    @Test
    void jumpAndPortResourcesMayShareNothingButCoexist() throws Exception {
        ServerConfig c = server("[RESOURCES]\n1 = port: 22\n2 = jump / input: X\n3 = jump / input: X\n");
        assertThat(c.resources()).hasSize(3);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jump|'jump' resource has no 'input', 'forward' or 'output' target",
        "jump / users: 1|'jump' resource has no 'input', 'forward' or 'output' target",
        "jump / input: bad chain!|invalid 'input' chain name 'bad chain!'",
        "jump / input:|invalid 'input' chain name ''",
        "jump / output: A, B|invalid 'output' option 'A,B': exactly one chain name expected",
        "jump / input: X / input-match: daddr|invalid 'input-match' option 'daddr' (the only supported value is 'saddr')",
        "jump / input: X / input-match: SADDR|invalid 'input-match' option 'SADDR'",
        "jump / input: X / input-match: saddr, saddr|invalid 'input-match' option",
        "jump / forward: X / input-match: saddr|'input-match' given without an 'input:' target",
        "jump / input: X / jump: Y|invalid 'jump' option",
        "jump / input: X / tcp|unknown values 'tcp'",
        "jump, tcp / input: X|unknown values 'jump, tcp'",
        "Jump / jump / input: X|unknown values 'Jump'",
        "jump / input: X / foo: 1|unknown option: 'foo'",
        "jump / input: X / users:|'user' id is invalid: ''",
        "jump / input: X / users: 1 / users: 1|multiple 'users' values",
        "jump / input: X / timeout: 1 / timeout: 1|multiple 'timeout' values",
        "jump / input: X / timeout: 0|duration '0' is too short"})
    void invalidJumpResources(String text, String message) {
        ConfigException e = serverError("[RESOURCES]\n2 = " + text + "\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).startsWith("[RESOURCES] 00000002: ").contains(message);
    }

    @Test
    void jumpChainNameLongerThan64IsRejected() {
        assertThat(serverError("[RESOURCES]\n2 = jump / input: " + "x".repeat(65) + "\n").problem())
                .contains("invalid 'input' chain name");
    }

    @Test
    void errorInContinuedOptionPointsAtItsFirstLine() {
        ConfigException e = serverError("[RESOURCES]\n\n00000023 = jump /\n  input: A /\n  forward: B /\n  timeout: soon\n\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problem()).isEqualTo("[RESOURCES] 00000023: invalid duration 'soon' "
                + "(expected seconds: a number from 0.001 to 4294967295, e.g. 60 or 1.5)");
    }

    // ------------------------------------------------------------------ [NFTABLES]

    @Test
    void nftablesDefaults() throws Exception {
        assertThat(server("").nftables()).isEqualTo(NftablesConfig.DEFAULT);
        assertThat(NftablesConfig.DEFAULT.timeout()).isEqualTo(Duration.ofSeconds(600));
        assertThat(NftablesConfig.DEFAULT.maxNrRules()).isEqualTo(100);
        assertThat(NftablesConfig.DEFAULT.exe()).isEqualTo("nft");
    }

    @Test
    void upstreamNftablesOptions() throws Exception {
        NftablesConfig n = server("[NFTABLES]\nexe =  /usr/sbin/nft \nfamily = ip6\ntable = mytable\n"
                + "chain-input = LETMEIN-INPUT\nchain-forward = LETMEIN-FORWARD\nchain-output = LETMEIN-OUTPUT\n"
                + "timeout = 1.5\nmax-nr-rules = 0x20\n").nftables();
        assertThat(n).isEqualTo(new NftablesConfig("/usr/sbin/nft", Optional.of(NftFamily.IP6), Optional.of("mytable"),
                Optional.of("LETMEIN-INPUT"), Optional.of("LETMEIN-FORWARD"), Optional.of("LETMEIN-OUTPUT"),
                Duration.ofMillis(1500), 32));
        assertThat(server("[NFTABLES]\nfamily = inet\n").nftables().family()).contains(NftFamily.INET);
        assertThat(server("[NFTABLES]\nfamily = ip\n").nftables().family()).contains(NftFamily.IP);
    }

    @Test
    void maxNrRulesIsClamped() throws Exception {
        assertThat(server("[NFTABLES]\nmax-nr-rules = 5000000\n").nftables().maxNrRules()).isEqualTo(1_000_000);
        assertThat(server("[NFTABLES]\nmax-nr-rules = 4294967295\n").nftables().maxNrRules()).isEqualTo(1_000_000);
        assertThat(server("[NFTABLES]\nmax-nr-rules = 1000000\n").nftables().maxNrRules()).isEqualTo(1_000_000);
        assertThat(server("[NFTABLES]\nmax-nr-rules = 5\n").nftables().maxNrRules()).isEqualTo(5);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "family = bridge|[NFTABLES] family: family 'bridge' is invalid (valid values: inet, ip, ip6)",
        "family = INET|[NFTABLES] family: family 'INET' is invalid",
        "family =|[NFTABLES] family: family '' is invalid",
        "max-nr-rules = -1|[NFTABLES] max-nr-rules: invalid number '-1'",
        "max-nr-rules = 4294967296|[NFTABLES] max-nr-rules: invalid number '4294967296'",
        "max-nr-rules = 1.5|[NFTABLES] max-nr-rules: invalid number '1.5'",
        "timeout = forever|[NFTABLES] timeout: invalid duration 'forever'",
        "timeout = 0|[NFTABLES] timeout: duration '0' is too short",
        "chain-input = LETMEIN INPUT|[NFTABLES] chain-input: invalid 'chain-input' name 'LETMEIN INPUT'",
        "chain-output = a;b|[NFTABLES] chain-output: invalid 'chain-output' name 'a;b'",
        "table = my table|[NFTABLES] table: invalid table name 'my table'",
        "exe =  |[NFTABLES] exe: is empty",
        "chains-input = X|[NFTABLES] Unknown option 'chains-input'"})
    void invalidNftables(String line, String message) {
        ConfigException e = serverError("[GENERAL]\n[NFTABLES]\n" + line + "\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problem()).startsWith(message);
    }

    @Test
    void emptyTableOrChainMeansNotSpecified() throws Exception {
        NftablesConfig n = server("[NFTABLES]\ntable =\nchain-input = \nchain-forward =\n").nftables();
        assertThat(n.table()).isEmpty();
        assertThat(n.chainInput()).isEmpty();
        assertThat(n.chainForward()).isEmpty();
    }

    @Test
    void requireCompleteNamesWhatIsMissing() throws Exception {
        assertThat(error(() -> server("[NFTABLES]\ntable = filter\nchain-input = X\n").nftables().requireComplete(FILE)))
                .contains("Unknown nftables family");
        assertThat(error(() -> server("[NFTABLES]\nfamily = inet\nchain-input = X\n").nftables().requireComplete(FILE)))
                .contains("nftables table not specified.");
        assertThat(error(() -> server("[NFTABLES]\nfamily = inet\ntable = filter\n").nftables().requireComplete(FILE)))
                .contains("nftables chain-input not specified.");
        server("[NFTABLES]\nfamily = inet\ntable = filter\nchain-input = X\n").nftables().requireComplete(FILE);
    }

    @Test
    void ownTableIsOneModeAndUpstreamsTableAndChainsTheOther() throws Exception {
        NftablesConfig n = server("[NFTABLES]\nown-table = letmein\n").nftables();
        assertThat(n.ownTable()).contains("letmein");
        n.requireComplete(FILE);
        assertThat(server("[NFTABLES]\nown-table =\nfamily = inet\n").nftables().ownTable()).isEmpty();
        assertThat(failure(() -> server("[NFTABLES]\nown-table = letmein\nfamily = inet\ntable = filter\n")))
                .returns(3, ConfigException::line).extracting(ConfigException::problem).asString()
                .contains("'family' belongs to upstream's mode", "own-table = letmein (line 2)");
        assertThat(failure(() -> server("[NFTABLES]\nchain-input = LETMEIN-INPUT\nown-table = letmein\n")))
                .returns(2, ConfigException::line).extracting(ConfigException::problem).asString()
                .contains("'chain-input' belongs to upstream's mode");
        assertThat(failure(() -> server("[NFTABLES]\nown-table = let me in\n"))).returns(2, ConfigException::line);
        assertThat(failure(() -> server("[RESOURCES]\n00000022 = port: 22\n00000023 = jump / input: MYCHAIN\n"
                + "[NFTABLES]\nown-table = letmein\n"))).returns(3, ConfigException::line)
                .extracting(ConfigException::problem).asString().contains("a jump resource needs upstream's firewall mode");
    }

    private static ConfigException failure(Action a) {
        try {
            a.run();
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    private interface Action {
        void run() throws ConfigException;
    }

    private static String error(Action a) {
        try {
            a.run();
        } catch (ConfigException e) {
            return e.problem();
        }
        throw new AssertionError("expected a ConfigException");
    }

    // ------------------------------------------------------------------ [CLIENT] and the split between programs

    @Test
    void clientDefaultUser() throws Exception {
        assertThat(client("[CLIENT]\ndefault-user = 12345678\n").defaultUser()).isEqualTo(UserId.parse("12345678"));
        assertThat(client("[CLIENT]\ndefault-user = a\n").defaultUser()).isEqualTo(new UserId(10));
        assertThat(client("").defaultUser()).isEqualTo(new UserId(0));
        assertThat(client("[GENERAL]\n").exists()).isTrue();
    }

    @Test
    void invalidClientDefaultUser() {
        ConfigException e = clientError("[CLIENT]\ndefault-user = 0x12\n");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).startsWith("[CLIENT] default-user: 'user' id is invalid: '0x12'");
        assertThat(clientError("[CLIENT]\ndefault_user = 1\n").problem()).startsWith("[CLIENT] Unknown option 'default_user'");
    }

    @Test
    void clientReadsKeysResourcesAndGeneral() throws Exception {
        ClientConfig c = client("[GENERAL]\nport = 5900/udp\ncontrol-timeout = 2\ncontrol-error-policy = always\n"
                + "[KEYS]\n1 = " + KEY1 + "\n[RESOURCES]\n16 = port: 22 / users: 1\n17 = port: 23\n");
        assertThat(c.general().port()).isEqualTo(new ControlPort(5900, false, true));
        assertThat(c.key(new UserId(1))).contains(Key.parseHex(KEY1));
        assertThat(c.resourceForPort(22, new UserId(1)).orElseThrow().id()).isEqualTo(new ResourceId(0x16));
        assertThat(c.resourceForPort(22, new UserId(2))).isEmpty();
        assertThat(c.resourceForPort(23, new UserId(2)).orElseThrow().id()).isEqualTo(new ResourceId(0x17));
    }

    @Test
    void clientToleratesNftablesAndServerToleratesClient() throws Exception {
        String text = "[NFTABLES]\nfamily = nonsense\nwhatever = 1\n[CLIENT]\ndefault-user = zz\nother = 2\n";
        ConfigException serverErr = serverError(text); // the server reads [NFTABLES] ...
        assertThat(serverErr.line()).isEqualTo(3);
        assertThat(serverErr.problem()).startsWith("[NFTABLES] Unknown option 'whatever'");
        ConfigException clientErr = clientError(text); // ... the client reads [CLIENT]
        assertThat(clientErr.line()).isEqualTo(6);
        assertThat(clientErr.problem()).startsWith("[CLIENT] Unknown option 'other'");
        assertThat(server("[CLIENT]\ndefault-user = zz\nother = 2\n").keys()).isEmpty();
        assertThat(client("[NFTABLES]\nfamily = nonsense\nwhatever = 1\n").keys()).isEmpty();
        assertThat(serverError("[NFTABLES]\nfamily = nonsense\n").line()).isEqualTo(2);
        assertThat(clientError("[CLIENT]\ndefault-user = zz\n").line()).isEqualTo(2);
    }

    @Test
    void clientAppliesTheSameResourceAndKeyRules() {
        assertThat(clientError("[RESOURCES]\n1 = port: 22\n2 = port: 22/udp\n").problem())
                .contains("Multiple definitions of resource port '22'");
        assertThat(clientError("[KEYS]\n1 = " + "00".repeat(32) + "\n").problem()).contains("Key is all zeros");
    }
}
