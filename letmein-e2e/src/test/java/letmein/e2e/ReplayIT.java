package letmein.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import letmein.e2e.Lab.Host;
import letmein.e2e.tools.RecordingRelay;
import letmein.e2e.tools.Replay;

/**
 * Scenario 6: an exchange captured on the client's path (KNOCK + RESPONSE, byte for byte) and
 * replayed from {@code other}, then from the client's own address, opens nothing: the replayed KNOCK
 * only earns a fresh CHALLENGE, and the recorded RESPONSE does not answer it.
 */
class ReplayIT extends LabTestBase {
    private static final int RELAY_PORT = 5801;

    @ParameterizedTest(name = "{0} IPv{1}")
    @CsvSource({"tcp, 4", "tcp, 6", "udp, 4", "udp, 6"})
    void scenario6_replayedExchangeFromOtherOpensNothing(String transport, int family) throws Exception {
        String server = family == 4 ? Lab.SERVER_V4 : Lab.SERVER_V6;
        String client = family == 4 ? Lab.CLIENT_V4 : Lab.CLIENT_V6;
        String other = family == 4 ? Lab.OTHER_V4 : "[" + Lab.OTHER_V6 + "]";
        Path capture = lab.dir().resolve("capture-" + transport + family + ".bin");
        Path ready = lab.dir().resolve("relay-ready-" + transport);
        Process relay = lab.startTool(Host.CLIENT, lab.dir().resolve("logs/relay-" + transport + ".log"),
                RecordingRelay.class, transport, Integer.toString(RELAY_PORT), server,
                Integer.toString(Lab.CONTROL_PORT), capture.toString(), ready.toString());
        assertThat(Lab.eventually(Duration.ofSeconds(30), () -> Files.exists(ready))).as("relay ready").isTrue();

        // the genuine knock, through the eavesdropping relay
        ok(lab.letmein(Host.CLIENT, "knock", transport.equals("tcp") ? "-T" : "-U",
                "-P", Integer.toString(RELAY_PORT), "127.0.0.1", "22"));
        assertThat(relay.waitFor(30, TimeUnit.SECONDS)).as("relay finished").isTrue();
        // KNOCK + RESPONSE, plus any retransmission the client's UDP retry policy sent
        assertThat(Files.size(capture)).as("captured frames").isGreaterThanOrEqualTo(112).matches(n -> n % 56 == 0);
        assertThat(lab.tcpOpen(Host.CLIENT, server, Lab.SSH_PORT)).as("the genuine knock opened port 22 for the client").isTrue();
        assertThat(lab.ruleset()).as("the lease is for the client's own address").contains(client);

        // the replay, from the third host
        CommandResult replay = ok(lab.tool(Host.OTHER, Duration.ofSeconds(60), Replay.class,
                transport, server, Integer.toString(Lab.CONTROL_PORT), capture.toString()));
        assertThat(replay.stdout()).as(replay.describe())
                .contains("knock-reply=CHALLENGE") // KNOCK is replayable by design (docs/PROTOCOL.md, replay)
                .doesNotContain("response-reply=COMEIN");
        assertShut(Host.OTHER, Lab.SSH_PORT);
        assertLogLine(Lab.Daemon.LETMEIND, "peer=" + other + ":", "/" + transport.toUpperCase(java.util.Locale.ROOT),
                "result=rejected");
        String ruleset = lab.ruleset();
        assertThat(ruleset).as("no lease for other's addresses").doesNotContain(Lab.OTHER_V4).doesNotContain(Lab.OTHER_V6);
        assertThat(lab.tcpOpen(Host.CLIENT, server, Lab.SSH_PORT)).as("the client's lease is unaffected").isTrue();

        // the same replay from the client's own address, within the challenge's lifetime: nothing new is
        // installed (letmeind logs every knock it forwards as "successfully knocked")
        long knocked = successfulKnocks();
        CommandResult own = ok(lab.tool(Host.CLIENT, Duration.ofSeconds(60), Replay.class,
                transport, server, Integer.toString(Lab.CONTROL_PORT), capture.toString()));
        assertThat(own.stdout()).as(own.describe()).contains("knock-reply=CHALLENGE").doesNotContain("response-reply=COMEIN");
        assertThat(successfulKnocks()).as("knocks forwarded to letmeinfwd after the replay from the client").isEqualTo(knocked);
        assertLogLine(Lab.Daemon.LETMEIND, "peer=" + (family == 4 ? client : "[" + client + "]") + ":",
                "/" + transport.toUpperCase(java.util.Locale.ROOT), "result=rejected");
    }

    private long successfulKnocks() {
        return lab.log(Lab.Daemon.LETMEIND).lines().filter(l -> l.contains("successfully knocked")).count();
    }
}
