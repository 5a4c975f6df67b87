package letmein.client.plan;

import static letmein.client.TestSupport.CONF;
import static letmein.client.TestSupport.KEY;
import static letmein.client.TestSupport.USER;
import static letmein.client.TestSupport.config;
import static letmein.client.TestSupport.general;
import static letmein.client.TestSupport.portResource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import letmein.client.TestSupport;
import letmein.proto.config.ClientConfig;
import letmein.proto.config.GeneralConfig;
import letmein.proto.config.JumpResource;
import letmein.proto.wire.ResourceId;
import letmein.proto.wire.UserId;
import org.junit.jupiter.api.Test;

/** The pure planning rules: users/keys, port→resource mapping, transport, and upstream's dual-stack table. */
class KnockPlanTest {
    private static final UserId OTHER = UserId.parse("2");
    private static final InetAddress V4 = addr("192.0.2.7");
    private static final InetAddress V6 = addr("2001:db8::7");
    private static final Resolver DNS = TestSupport.resolver(Map.of(
            "dual.example", List.of(V4, V6),
            "v4only.example", List.of(V4),
            "v6only.example", List.of(V6)));
    private static final Resolver NO_DNS = host -> {
        throw new AssertionError("literal must not be resolved: " + host);
    };

    private static InetAddress addr(String s) {
        return HostLiteral.parse(s).orElseThrow();
    }

    private static final ClientConfig CFG = config(general(5800, true, false, Duration.ofSeconds(5)),
            Map.of(USER, KEY, OTHER, TestSupport.OTHER_KEY),
            portResource("30", 22, OTHER), portResource("40", 22), portResource("50", 2222, OTHER),
            new JumpResource(ResourceId.parse("60"), Optional.of(new JumpResource.JumpTarget("MYCHAIN", true)),
                    Optional.empty(), Optional.empty(), Set.of(),
                    Optional.empty()));

    private static KnockRequest req(String host, Integer port, String... flags) {
        List<String> f = List.of(flags);
        String user = f.stream().filter(s -> s.startsWith("u=")).map(s -> s.substring(2)).findFirst().orElse(null);
        String res = f.stream().filter(s -> s.startsWith("r=")).map(s -> s.substring(2)).findFirst().orElse(null);
        String sp = f.stream().filter(s -> s.startsWith("P=")).map(s -> s.substring(2)).findFirst().orElse(null);
        return new KnockRequest(host, port == null ? OptionalInt.empty() : OptionalInt.of(port),
                Optional.ofNullable(res).map(ResourceId::parse), Optional.ofNullable(user).map(UserId::parse),
                sp == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(sp)),
                f.contains("T"), f.contains("U"), f.contains("4"), f.contains("6"));
    }

    private static List<Family> families(KnockPlan p) {
        return p.targets().stream().map(KnockPlan.Target::family).toList();
    }

    // --- users, keys, resources

    @Test
    void portMapsToTheResourceTheUserMayOpen() throws Exception {
        assertThat(KnockPlan.build(req("192.0.2.7", 22), CFG, NO_DNS).resource()).isEqualTo(ResourceId.parse("40"));
        assertThat(KnockPlan.build(req("192.0.2.7", 22, "u=2"), CFG, NO_DNS).resource())
                .isEqualTo(ResourceId.parse("30")); // lowest id of those allowing user 2
        assertThat(KnockPlan.build(req("192.0.2.7", 2222, "u=2"), CFG, NO_DNS).resource())
                .isEqualTo(ResourceId.parse("50"));
    }

    @Test
    void portRestrictedToOtherUsersIsNotMapped() {
        assertThatThrownBy(() -> KnockPlan.build(req("192.0.2.7", 2222), CFG, NO_DNS))
                .isInstanceOf(PlanException.class)
                .hasMessage("Port 2222 is not mapped to a port-resource in " + CONF + " for user 12345678");
    }

    @Test
    void unknownPortNamesTheConfigFile() {
        assertThatThrownBy(() -> KnockPlan.build(req("192.0.2.7", 23), CFG, NO_DNS))
                .hasMessageStartingWith("Port 23 is not mapped to a port-resource in " + CONF);
    }

    @Test
    void explicitResourceIsUsedAsIsEvenForJumps() throws Exception {
        assertThat(KnockPlan.build(req("192.0.2.7", null, "r=60"), CFG, NO_DNS).resource())
                .isEqualTo(ResourceId.parse("00000060"));
        assertThat(KnockPlan.build(req("192.0.2.7", 22, "r=99"), CFG, NO_DNS).resource())
                .isEqualTo(ResourceId.parse("99"));
    }

    @Test
    void neitherPortNorResource() {
        assertThatThrownBy(() -> KnockPlan.build(req("192.0.2.7", null), CFG, NO_DNS))
                .hasMessage("Neither [PORT] nor --resource command line options were provided.");
    }

    @Test
    void missingKeyNamesFileAndUser() {
        assertThatThrownBy(() -> KnockPlan.build(req("192.0.2.7", 22, "u=7"), CFG, NO_DNS))
                .hasMessage("No key found in " + CONF + " for user 00000007");
    }

    @Test
    void missingConfigMeansDefaultsAndSaysSo() throws Exception {
        ClientConfig missing = new ClientConfig(CONF, false, GeneralConfig.DEFAULT, ClientConfig.DEFAULT_USER,
                Map.of(), Map.of());
        assertThatThrownBy(() -> KnockPlan.build(req("192.0.2.7", 22), missing, NO_DNS))
                .hasMessage("No key found in " + CONF + " for user 00000000 (the file does not exist; defaults are"
                        + " in effect)");
        ClientConfig keyOnly = new ClientConfig(CONF, false, GeneralConfig.DEFAULT, ClientConfig.DEFAULT_USER,
                Map.of(ClientConfig.DEFAULT_USER, KEY), Map.of());
        KnockPlan p = KnockPlan.build(req("192.0.2.7", null, "r=1"), keyOnly, NO_DNS);
        assertThat(p.user()).isEqualTo(ClientConfig.DEFAULT_USER);
        assertThat(p.serverPort()).isEqualTo(5800);
        assertThat(p.transport()).isEqualTo(Transport.TCP);
        assertThat(p.controlTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void defaultUserComesFromConfig() throws Exception {
        assertThat(KnockPlan.build(req("192.0.2.7", 22), CFG, NO_DNS).user()).isEqualTo(USER);
        assertThat(KnockPlan.build(req("192.0.2.7", 22), CFG, NO_DNS).key()).isEqualTo(KEY);
    }

    // --- transport and control port

    @Test
    void transportRules() throws Exception {
        ClientConfig both = config(general(6000, true, true, Duration.ofSeconds(1)), Map.of(USER, KEY),
                portResource("1", 22));
        ClientConfig udpOnly = config(general(6000, false, true, Duration.ofSeconds(1)), Map.of(USER, KEY),
                portResource("1", 22));
        assertThat(KnockPlan.build(req("192.0.2.7", 22), both, NO_DNS).transport()).isEqualTo(Transport.TCP);
        assertThat(KnockPlan.build(req("192.0.2.7", 22), udpOnly, NO_DNS).transport()).isEqualTo(Transport.UDP);
        assertThat(KnockPlan.build(req("192.0.2.7", 22, "T"), udpOnly, NO_DNS).transport()).isEqualTo(Transport.TCP);
        assertThat(KnockPlan.build(req("192.0.2.7", 22, "U"), both, NO_DNS).transport()).isEqualTo(Transport.UDP);
        assertThat(KnockPlan.build(req("192.0.2.7", 22, "T", "U"), udpOnly, NO_DNS).transport())
                .isEqualTo(Transport.TCP);
        assertThat(KnockPlan.build(req("192.0.2.7", 22), both, NO_DNS).serverPort()).isEqualTo(6000);
        assertThat(KnockPlan.build(req("192.0.2.7", 22, "P=7000"), both, NO_DNS).serverPort()).isEqualTo(7000);
    }

    // --- address families (docs/client.md, "Address families")

    @Test
    void nameWithAAndAaaaTriesBothIpv6First() throws Exception {
        KnockPlan p = KnockPlan.build(req("dual.example", 22), CFG, DNS);
        assertThat(families(p)).containsExactly(Family.IPV6, Family.IPV4);
        assertThat(p.targets().get(0).address()).isEqualTo(V6);
        assertThat(p.targets().get(1).address()).isEqualTo(V4);
        assertThat(p.anySuffices()).isTrue();
        assertThat(p.skipped()).isEmpty();
    }

    @Test
    void nameWithOnlyATriesIpv4AndNotesTheMissingFamily() throws Exception {
        KnockPlan p = KnockPlan.build(req("v4only.example", 22), CFG, DNS);
        assertThat(families(p)).containsExactly(Family.IPV4);
        assertThat(p.skipped()).containsExactly(Family.IPV6);
        assertThat(p.anySuffices()).isTrue();
    }

    @Test
    void literalsKnockTheirFamilyOnlyWithoutDns() throws Exception {
        assertThat(families(KnockPlan.build(req("192.0.2.7", 22), CFG, NO_DNS))).containsExactly(Family.IPV4);
        assertThat(families(KnockPlan.build(req("2001:db8::7", 22), CFG, NO_DNS))).containsExactly(Family.IPV6);
        assertThat(families(KnockPlan.build(req("[2001:db8::7]", 22), CFG, NO_DNS))).containsExactly(Family.IPV6);
        assertThat(KnockPlan.build(req("192.0.2.7", 22), CFG, NO_DNS).anySuffices()).isFalse();
        assertThat(families(KnockPlan.build(req("192.0.2.7", 22, "4"), CFG, NO_DNS))).containsExactly(Family.IPV4);
        assertThat(families(KnockPlan.build(req("2001:db8::7", 22, "6"), CFG, NO_DNS))).containsExactly(Family.IPV6);
    }

    @Test
    void literalOfTheWrongFamilyIsAnError() {
        assertThatThrownBy(() -> KnockPlan.build(req("2001:db8::7", 22, "4"), CFG, NO_DNS))
                .hasMessage("'2001:db8::7' is an IPv6 address, but -4 (IPv4 only) was given");
        assertThatThrownBy(() -> KnockPlan.build(req("192.0.2.7", 22, "6"), CFG, NO_DNS))
                .hasMessage("'192.0.2.7' is an IPv4 address, but -6 (IPv6 only) was given");
        assertThatThrownBy(() -> KnockPlan.build(req("192.0.2.7", 22, "4", "6"), CFG, NO_DNS))
                .hasMessageStartingWith("-4 -6 knocks over both IPv6 and IPv4, but '192.0.2.7' is an IPv4 address");
    }

    @Test
    void minus4AndMinus6SelectOneFamilyOfAName() throws Exception {
        KnockPlan p4 = KnockPlan.build(req("dual.example", 22, "4"), CFG, DNS);
        assertThat(families(p4)).containsExactly(Family.IPV4);
        assertThat(p4.anySuffices()).isFalse();
        KnockPlan p6 = KnockPlan.build(req("dual.example", 22, "6"), CFG, DNS);
        assertThat(families(p6)).containsExactly(Family.IPV6);
        assertThatThrownBy(() -> KnockPlan.build(req("v4only.example", 22, "6"), CFG, DNS))
                .hasMessage("DNS lookup of host 'v4only.example' failed. No 'AAAA' record found.");
        assertThatThrownBy(() -> KnockPlan.build(req("v6only.example", 22, "4"), CFG, DNS))
                .hasMessage("DNS lookup of host 'v6only.example' failed. No 'A' record found.");
    }

    @Test
    void minus4Minus6RequiresBothInOrder() throws Exception {
        KnockPlan p = KnockPlan.build(req("dual.example", 22, "4", "6"), CFG, DNS);
        assertThat(families(p)).containsExactly(Family.IPV6, Family.IPV4);
        assertThat(p.anySuffices()).isFalse();
        assertThatThrownBy(() -> KnockPlan.build(req("v4only.example", 22, "4", "6"), CFG, DNS))
                .hasMessage("DNS lookup of host 'v4only.example' failed. No 'AAAA' record found.");
    }

    @Test
    void unknownNameIsADnsFailure() {
        assertThatThrownBy(() -> KnockPlan.build(req("nx.example", 22), CFG, DNS))
                .hasMessageStartingWith("DNS lookup of host 'nx.example' failed");
        Resolver empty = TestSupport.resolver(Map.of("empty.example", List.of()));
        assertThatThrownBy(() -> KnockPlan.build(req("empty.example", 22), CFG, empty))
                .hasMessage("DNS lookup of host 'empty.example' failed. No 'A' or 'AAAA' record found.");
    }
}
