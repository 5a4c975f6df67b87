package letmein.fwd.nft;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import letmein.proto.config.NftFamily;

class NftCommandsTest {
    private final FirewallNames inet = new FirewallNames(NftFamily.INET, "filter", "LETMEIN-INPUT",
            Optional.of("LETMEIN-FORWARD"), Optional.empty());
    private final NftCommands json = new NftCommands(inet);

    @Test
    void leaseSetsHaveConcatenatedTypesAndTimeoutFlag() {
        assertThat(JsonText.text(json.addSet(true))).isEqualTo("{\"add\":{\"set\":{\"family\":\"inet\",\"table\":\"filter\","
                + "\"name\":\"letmein-v4\",\"type\":[\"ipv4_addr\",\"inet_proto\",\"inet_service\"],\"flags\":[\"timeout\"]}}}");
        assertThat(JsonText.text(json.addSet(false))).contains("\"name\":\"letmein-v6\",\"type\":[\"ipv6_addr\"");
        assertThat(JsonText.text(json.deleteSet("letmein-v6"))).isEqualTo(
                "{\"delete\":{\"set\":{\"family\":\"inet\",\"table\":\"filter\",\"name\":\"letmein-v6\"}}}");
    }

    @Test
    void setRuleMatchesSaddrProtoAndPortAgainstTheSet() {
        assertThat(JsonText.text(json.addSetRule(false))).isEqualTo("{\"add\":{\"rule\":{\"family\":\"inet\",\"table\":\"filter\","
                + "\"chain\":\"LETMEIN-INPUT\",\"comment\":\"any/set/letmein-v6/accept/LETMEIN\",\"expr\":[{\"match\":{\"op\":\"==\","
                + "\"left\":{\"concat\":[{\"payload\":{\"protocol\":\"ip6\",\"field\":\"saddr\"}},{\"meta\":{\"key\":\"l4proto\"}},"
                + "{\"payload\":{\"protocol\":\"th\",\"field\":\"dport\"}}]},\"right\":\"@letmein-v6\"}},{\"counter\":null},"
                + "{\"accept\":null}]}}}");
    }

    @Test
    void controlRuleMatchesThePortWithoutSaddr() {
        assertThat(JsonText.text(json.addControlRule(5800, L4Proto.UDP))).isEqualTo("{\"add\":{\"rule\":{\"family\":\"inet\","
                + "\"table\":\"filter\",\"chain\":\"LETMEIN-INPUT\",\"comment\":\"any/port/5800/UDP/accept/LETMEIN\",\"expr\":["
                + "{\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"udp\",\"field\":\"dport\"}},\"right\":5800}},"
                + "{\"counter\":null},{\"accept\":null}]}}}");
    }

    @Test
    void elementsUseCanonicalAddressesAndKernelTimeout() throws Exception {
        InetAddress mapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff,
                (byte) 192, 0, 2, 7});
        assertThat(JsonText.text(json.addElement(mapped, L4Proto.TCP, 22, 600))).isEqualTo("{\"add\":{\"element\":{"
                + "\"family\":\"inet\",\"table\":\"filter\",\"name\":\"letmein-v4\",\"elem\":[{\"elem\":{\"val\":{\"concat\":"
                + "[\"192.0.2.7\",\"tcp\",22]},\"timeout\":600}}]}}}");
        assertThat(JsonText.text(json.deleteElement(InetAddress.getByName("2001:DB8:0:0:0:0:0:5"), L4Proto.UDP, 53)))
                .isEqualTo("{\"delete\":{\"element\":{\"family\":\"inet\",\"table\":\"filter\",\"name\":\"letmein-v6\","
                        + "\"elem\":[{\"elem\":{\"val\":{\"concat\":[\"2001:db8::5\",\"udp\",53]}}}]}}}");
    }

    @Test
    void jumpRulesNameTheClientInTheCommentWithOrWithoutSaddrMatch() throws Exception {
        InetAddress c = InetAddress.getByName("2001:db8::5");
        assertThat(JsonText.text(json.addJumpRule("LETMEIN-FORWARD", c, false, "MYCHAIN"))).isEqualTo("{\"add\":{\"rule\":{"
                + "\"family\":\"inet\",\"table\":\"filter\",\"chain\":\"LETMEIN-FORWARD\",\"comment\":"
                + "\"2001:db8::5/jump/MYCHAIN/LETMEIN\",\"expr\":[{\"jump\":{\"target\":\"MYCHAIN\"}}]}}}");
        assertThat(JsonText.text(json.addJumpRule("LETMEIN-INPUT", InetAddress.getByName("192.0.2.1"), true, "MYCHAIN")))
                .isEqualTo("{\"add\":{\"rule\":{\"family\":\"inet\",\"table\":\"filter\",\"chain\":\"LETMEIN-INPUT\","
                        + "\"comment\":\"192.0.2.1/jump/MYCHAIN/LETMEIN\",\"expr\":[{\"match\":{\"op\":\"==\",\"left\":"
                        + "{\"payload\":{\"protocol\":\"ip\",\"field\":\"saddr\"}},\"right\":\"192.0.2.1\"}},"
                        + "{\"jump\":{\"target\":\"MYCHAIN\"}}]}}}");
        assertThat(JsonText.text(json.deleteRule("LETMEIN-INPUT", 42))).isEqualTo("{\"delete\":{\"rule\":{\"family\":\"inet\","
                + "\"table\":\"filter\",\"chain\":\"LETMEIN-INPUT\",\"handle\":42}}}");
    }

    @Test
    void hostileNamesStayJsonStrings() {
        NftCommands odd = new NftCommands(new FirewallNames(NftFamily.IP, "t\"; flush ruleset", "c", Optional.empty(),
                Optional.empty()));
        assertThat(JsonText.text(NftCommands.document(List.of(odd.addSet(true))))).isEqualTo("{\"nftables\":[{\"add\":{\"set\":{"
                + "\"family\":\"ip\",\"table\":\"t\\\"; flush ruleset\",\"name\":\"letmein-v4\",\"type\":[\"ipv4_addr\","
                + "\"inet_proto\",\"inet_service\"],\"flags\":[\"timeout\"]}}}]}");
    }

    @Test
    void parseReadsWhatTextWrites() throws Exception {
        String text = JsonText.text(NftCommands.document(List.of(json.addSetRule(true), json.deleteRule("X", 7))));
        assertThat(JsonText.text(JsonText.parse(text))).isEqualTo(text);
        assertThat(JsonText.parse("{\"a\":[1,2.5,true,false,null,\"x\"]}").path("a").size()).isEqualTo(6);
    }
}
