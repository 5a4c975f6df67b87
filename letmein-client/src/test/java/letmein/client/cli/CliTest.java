package letmein.client.cli;

import static letmein.client.TestSupport.KEY;
import static letmein.client.TestSupport.OTHER_KEY;
import static letmein.client.TestSupport.USER;
import static letmein.client.TestSupport.config;
import static letmein.client.TestSupport.general;
import static letmein.client.TestSupport.portResource;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import letmein.client.TestSupport;
import letmein.client.TestSupport.Result;
import letmein.client.net.KnockException;
import letmein.client.plan.Resolver;
import letmein.client.testserver.RefServer;
import letmein.proto.config.ClientConfig;
import letmein.proto.config.GeneralConfig;
import letmein.proto.daemon.Version;
import letmein.proto.wire.ResourceId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole command line, run in-process with captured streams against {@link RefServer} (a
 * stand-in for letmeind) on loopback: happy paths, the admin-facing failure messages, exit codes.
 */
class CliTest {
    private static final InetAddress LO4 = InetAddress.getLoopbackAddress();
    private static final byte[] NO_INPUT = new byte[0];
    private static final ResourceId RES = ResourceId.parse("1000");
    private RefServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private int start(InetAddress on, boolean tcp, boolean udp) throws Exception {
        server = new RefServer(Map.of(USER, KEY), Set.of(RES));
        return server.start(on, tcp, udp);
    }

    private static ClientConfig cfg(int port, boolean tcp, boolean udp, long timeoutMs) {
        return config(general(port, tcp, udp, Duration.ofMillis(timeoutMs)), Map.of(USER, KEY),
                portResource("1000", 22));
    }

    private static final Resolver NONE = TestSupport.resolver(Map.of());

    @Test
    void genKeyPrintsOneUpstreamStyleLine() {
        Result r = TestSupport.run(cfg(5800, true, false, 1000), NONE, NO_INPUT, "gen-key", "-u", "12345678");
        assertThat(r.code()).isZero();
        assertThat(r.out()).matches("12345678 = [0-9A-F]{64}\n");
        Result def = TestSupport.run(cfg(5800, true, false, 1000), NONE, NO_INPUT, "gen-key");
        assertThat(def.out()).matches(USER + " = [0-9A-F]{64}\n");
        assertThat(def.out()).isNotEqualTo(r.out().replace("12345678", USER.toString()));
    }

    @Test
    void versionAndNoCommand() {
        Result v = TestSupport.run(cfg(5800, true, false, 1000), NONE, NO_INPUT, "-v");
        assertThat(v.code()).isZero();
        assertThat(v.out()).isEqualTo(Version.line("letmein") + "\n").matches("letmein version [0-9]+\\.[0-9]+\\.[0-9]+\n");
        Result none = TestSupport.run(cfg(5800, true, false, 1000), NONE, NO_INPUT);
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("Usage: letmein").contains("knock");
        assertThat(none.out()).isEmpty();
    }

    @Test
    void usageErrorsExitWith2() {
        ClientConfig c = cfg(5800, true, false, 1000);
        assertThat(TestSupport.run(c, NONE, NO_INPUT, "knock", "--bogus", "h", "22").code()).isEqualTo(2);
        assertThat(TestSupport.run(c, NONE, NO_INPUT, "knock").code()).isEqualTo(2);
        assertThat(TestSupport.run(c, NONE, NO_INPUT, "knock", "-u", "xyz", "h", "22").code()).isEqualTo(2);
        assertThat(TestSupport.run(c, NONE, NO_INPUT, "knock", "-r", "123456789", "h").code()).isEqualTo(2);
        Result both = TestSupport.run(c, NONE, NO_INPUT, "knock", "-r", "1", "h", "22");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("PORT and --resource cannot be used together");
        assertThat(TestSupport.run(c, NONE, NO_INPUT, "knock", "-P", "70000", "h", "22").code()).isEqualTo(2);
        assertThat(TestSupport.run(c, NONE, NO_INPUT, "knock", "h", "0").code()).isEqualTo(2);
        assertThat(TestSupport.run(c, NONE, NO_INPUT, "connect", "h").code()).isEqualTo(2);
        assertThat(TestSupport.run(c, NONE, NO_INPUT, "check", "h").code()).isEqualTo(2);
        assertThat(TestSupport.run(c, NONE, NO_INPUT, "--seccomp", "bogus", "gen-key").code()).isEqualTo(2);
        assertThat(TestSupport.run(c, NONE, NO_INPUT, "frobnicate").code()).isEqualTo(2);
    }

    @Test
    void seccompIsAcceptedAndExplained() {
        Result r = TestSupport.run(cfg(5800, true, false, 1000), NONE, NO_INPUT, "--seccomp", "kill", "gen-key");
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("--seccomp kill has no effect: a JVM cannot install upstream's seccomp filter");
    }

    @Test
    void runtimeErrorsOfPlanningExitWith1() {
        ClientConfig c = cfg(5800, true, false, 1000);
        Result unmapped = TestSupport.run(c, NONE, NO_INPUT, "knock", "127.0.0.1", "23");
        assertThat(unmapped.code()).isEqualTo(1);
        assertThat(unmapped.err()).contains("Error: Port 23 is not mapped to a port-resource in " + TestSupport.CONF);
        Result noKey = TestSupport.run(c, NONE, NO_INPUT, "knock", "-u", "99", "127.0.0.1", "22");
        assertThat(noKey.code()).isEqualTo(1);
        assertThat(noKey.err()).contains("No key found in " + TestSupport.CONF + " for user 00000099");
        Result dns = TestSupport.run(c, NONE, NO_INPUT, "knock", "nx.example", "22");
        assertThat(dns.code()).isEqualTo(1);
        assertThat(dns.err()).contains("DNS lookup of host 'nx.example' failed");
        ClientConfig missing = new ClientConfig(TestSupport.CONF, false, GeneralConfig.DEFAULT,
                ClientConfig.DEFAULT_USER, Map.of(), Map.of());
        Result defaults = TestSupport.run(missing, NONE, NO_INPUT, "knock", "127.0.0.1", "22");
        assertThat(defaults.code()).isEqualTo(1);
        assertThat(defaults.err()).contains("No key found in " + TestSupport.CONF + " for user 00000000");
    }

    @Test
    void tcpKnockAndRevoke() throws Exception {
        int port = start(LO4, true, false);
        ClientConfig c = cfg(port, true, false, 2000);
        Result k = TestSupport.run(c, NONE, NO_INPUT, "--verbose", "knock", "127.0.0.1", "22");
        assertThat(k.code()).as(k.err()).isZero();
        assertThat(k.out()).isEmpty();
        assertThat(k.err()).contains("Sending Knock.").contains("Knock sequence successful.");
        assertThat(server.knocks()).isEqualTo(1);
        Result r = TestSupport.run(c, NONE, NO_INPUT, "revoke", "-r", "1000", "127.0.0.1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(server.revokes()).isEqualTo(1);
    }

    @Test
    void udpKnockAndRevokeOverIpv6() throws Exception {
        int port = start(InetAddress.getByName("::1"), false, true);
        ClientConfig c = cfg(port, false, true, 2000);
        assertThat(TestSupport.run(c, NONE, NO_INPUT, "knock", "::1", "22").code()).isZero();
        assertThat(TestSupport.run(c, NONE, NO_INPUT, "revoke", "-U", "::1", "22").code()).isZero();
        assertThat(server.knocks()).isEqualTo(1);
        assertThat(server.revokes()).isEqualTo(1);
        assertThat(server.udpSessions()).isEqualTo(2);
    }

    @Test
    void goawayIsRejected() throws Exception {
        int port = start(LO4, true, true);
        server.mode(RefServer.Mode.GOAWAY);
        for (String t : List.of("-T", "-U")) {
            Result r = TestSupport.run(cfg(port, true, false, 2000), NONE, NO_INPUT, "knock", t, "127.0.0.1", "22");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("Error: knock over IPv4 failed: rejected: the server at 127.0.0.1:" + port);
        }
    }

    @Test
    void wrongKeyUnderNormalPolicyIsRejectedUnderStealthGetsTheHint() throws Exception {
        int port = start(LO4, true, true);
        ClientConfig wrongKey = config(general(port, true, false, Duration.ofMillis(800)), Map.of(USER, OTHER_KEY),
                portResource("1000", 22));
        Result rejected = TestSupport.run(wrongKey, NONE, NO_INPUT, "knock", "127.0.0.1", "22");
        assertThat(rejected.err()).contains("rejected");
        server.mode(RefServer.Mode.STEALTH);
        Result tcp = TestSupport.run(wrongKey, NONE, NO_INPUT, "knock", "127.0.0.1", "22");
        assertThat(tcp.code()).isEqualTo(1);
        assertThat(tcp.err()).contains(KnockException.STEALTH_HINT).contains("closed the connection without a reply");
        Result udp = TestSupport.run(wrongKey, NONE, NO_INPUT, "knock", "-U", "127.0.0.1", "22");
        assertThat(udp.code()).isEqualTo(1);
        assertThat(udp.err()).contains(KnockException.STEALTH_HINT);
        assertThat(server.knocks()).isZero();
    }

    @Test
    void silenceEndsWithinControlTimeoutWithTheStealthHint() throws Exception {
        int port = start(LO4, true, true);
        server.mode(RefServer.Mode.SILENT);
        for (String t : List.of("-T", "-U")) {
            long t0 = System.nanoTime();
            Result r = TestSupport.run(cfg(port, true, false, 700), NONE, NO_INPUT, "knock", t, "127.0.0.1", "22");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains(KnockException.STEALTH_HINT);
            // Bounded by the 700 ms control-timeout (plus scheduling slack), never by a default 5 s.
            assertThat(ms).as(t).isLessThan(4000);
        }
    }

    @Test
    void badMagicAndShortRepliesAreReportedAsSuch() throws Exception {
        int port = start(LO4, true, true);
        server.mode(RefServer.Mode.BAD_MAGIC);
        for (String t : List.of("-T", "-U")) {
            Result r = TestSupport.run(cfg(port, true, false, 1000), NONE, NO_INPUT, "knock", t, "127.0.0.1", "22");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("invalid reply from 127.0.0.1:" + port).contains("Invalid magic code");
        }
        server.mode(RefServer.Mode.SHORT_REPLY);
        Result tcp = TestSupport.run(cfg(port, true, false, 1000), NONE, NO_INPUT, "knock", "127.0.0.1", "22");
        assertThat(tcp.err()).contains("short reply from 127.0.0.1:" + port + "/TCP: 20 of 56 bytes");
        Result udp = TestSupport.run(cfg(port, true, false, 1000), NONE, NO_INPUT, "knock", "-U", "127.0.0.1", "22");
        assertThat(udp.err()).contains("a 20-byte datagram");
    }

    @Test
    void repliesNamingOtherIdsOnlyWarn() throws Exception {
        int port = start(LO4, true, true);
        server.mode(RefServer.Mode.MISMATCH);
        for (String t : List.of("-T", "-U")) {
            Result r = TestSupport.run(cfg(port, true, false, 2000), NONE, NO_INPUT, "knock", t, "127.0.0.1", "22");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.err()).contains("Warning: the Challenge from 127.0.0.1:" + port)
                    .contains("names user 12345679 resource 00001001, but we asked for user 12345678 resource 00001000")
                    .contains("Warning: the ComeIn");
        }
        assertThat(server.knocks()).isEqualTo(2);
    }

    @Test
    void refusedWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, LO4)) {
            port = s.getLocalPort();
        }
        Result tcp = TestSupport.run(cfg(port, true, false, 1000), NONE, NO_INPUT, "knock", "127.0.0.1", "22");
        assertThat(tcp.code()).isEqualTo(1);
        assertThat(tcp.err()).contains("connection refused by 127.0.0.1:" + port + "/TCP");
        Result udp = TestSupport.run(cfg(port, true, false, 1000), NONE, NO_INPUT, "knock", "-U", "127.0.0.1", "22");
        assertThat(udp.code()).isEqualTo(1);
        assertThat(udp.err()).contains("connection refused by 127.0.0.1:" + port + "/UDP");
    }

    @Test
    void udpRetriesWhenTheFirstKnockIsLost() throws Exception {
        int port = start(LO4, false, true);
        server.dropFirstKnocks(2);
        Result r = TestSupport.run(cfg(port, false, true, 3000), NONE, NO_INPUT, "--verbose", "knock", "127.0.0.1", "22");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("attempt 3");
        assertThat(server.knocks()).isEqualTo(1);
    }

    @Test
    void nameWithBothFamiliesSucceedsIfOneWorksAndWarnsAboutTheOther() throws Exception {
        int port = start(LO4, true, false); // nothing on ::1
        Resolver dual = TestSupport.resolver(Map.of("dual.test", List.of(LO4, InetAddress.getByName("::1"))));
        Result r = TestSupport.run(cfg(port, true, false, 1000), dual, NO_INPUT, "knock", "dual.test", "22");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("Warning: knock over IPv6 failed").contains("connection refused by [::1]:" + port);
        assertThat(server.knocks()).isEqualTo(1);

        Result strict = TestSupport.run(cfg(port, true, false, 1000), dual, NO_INPUT, "knock", "-4", "-6", "dual.test", "22");
        assertThat(strict.code()).isEqualTo(1);
        assertThat(strict.err()).contains("knock over IPv6 failed");
        assertThat(server.knocks()).as("IPv4 is not tried after IPv6 failed with -4 -6").isEqualTo(1);

        Result only4 = TestSupport.run(cfg(port, true, false, 1000), dual, NO_INPUT, "knock", "-4", "dual.test", "22");
        assertThat(only4.code()).isZero();
        assertThat(only4.err()).isEmpty();
        assertThat(server.knocks()).isEqualTo(2);
    }

    @Test
    void bothFamiliesFailingReportsBoth() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, LO4)) {
            port = s.getLocalPort();
        }
        Resolver dual = TestSupport.resolver(Map.of("dual.test", List.of(LO4, InetAddress.getByName("::1"))));
        Result r = TestSupport.run(cfg(port, true, false, 1000), dual, NO_INPUT, "knock", "dual.test", "22");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("knock over IPv6 failed").contains("knock over IPv4 failed");
    }
}
