package letmein.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import letmein.proto.daemon.DaemonLog;
import letmein.proto.session.Decision;
import letmein.proto.session.ReasonClass;
import letmein.proto.wire.Operation;
import letmein.proto.wire.UserId;
import org.junit.jupiter.api.Test;

/** The bounded log of failures before authentication: budget, summary, retransmissions. */
class UnauthenticatedLogTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final DaemonLog sink = DaemonLog.to(new PrintStream(out, true, StandardCharsets.UTF_8), false);

    private static Decision failure(String ip, int port, String reason) {
        String peer = ip + ":" + port + "/UDP";
        return new Decision(peer, ip, Optional.of(new UserId(1)), Optional.empty(), Optional.of(Operation.KNOCK),
                false, ReasonClass.AUTH, reason, false);
    }

    private static byte[] opening(int n) {
        byte[] b = new byte[32];
        b[0] = (byte) n;
        b[1] = (byte) (n >> 8);
        return b;
    }

    private List<String> lines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void aRetransmittedKnockIsOneFailureEvenAcrossTheWindowsEnd() {
        UnauthenticatedLog log = new UnauthenticatedLog(sink, "UDP", false, 5, 10, false);
        byte[] knock = opening(7);
        log.failure(failure("10.0.0.2", 40000, "Knock: Authentication failed"), knock);
        log.failure(failure("10.0.0.2", 40001, "Knock: Authentication failed"), knock); // new socket, same KNOCK
        log.endWindow();
        log.failure(failure("10.0.0.2", 40002, "Knock: Authentication failed"), knock); // the next window
        log.endWindow();
        assertThat(lines()).hasSize(1).allMatch(l -> l.contains("peer=10.0.0.2:40000/UDP"));
        // two windows later it is forgotten: a KNOCK sent again much later is a new failure
        log.endWindow();
        log.failure(failure("10.0.0.2", 40003, "Knock: Authentication failed"), knock);
        assertThat(lines()).hasSize(2);
    }

    @Test
    void theSameKnockFromAnotherAddressIsAnotherFailure() {
        UnauthenticatedLog log = new UnauthenticatedLog(sink, "UDP", false, 5, 10, false);
        log.failure(failure("10.0.0.2", 40000, "Unknown user"), opening(1));
        log.failure(failure("10.0.0.3", 40000, "Unknown user"), opening(1));
        assertThat(lines()).hasSize(2);
    }

    @Test
    void udpBeyondTheBudgetIsCountedInOneSummaryLine() {
        UnauthenticatedLog log = new UnauthenticatedLog(sink, "UDP", false, 5, 10, false);
        for (int i = 0; i < 2000; i++) {
            log.failure(failure("10.0.1." + (i % 100), 30000 + i, i % 2 == 0 ? "Unknown user" : "Knock: Authentication failed"),
                    opening(i));
        }
        log.endWindow();
        List<String> lines = lines();
        assertThat(lines).hasSize(6);
        assertThat(lines.get(5)).startsWith("WARN UDP: 1995 more failed exchanges").contains("result=suppressed",
                "count=1995", "Unknown_user=", "Knock:_Authentication_failed=");
        log.endWindow();
        assertThat(lines()).as("a quiet window writes no summary").hasSize(6);
    }

    @Test
    void tcpBudgetIsPerSourcePrefix() {
        UnauthenticatedLog log = new UnauthenticatedLog(sink, "TCP", true, 2, 10, false);
        for (int i = 0; i < 5; i++) {
            log.failure(failure("fd00::" + (i + 1), 1000 + i, "Unknown user"), null); // one /64
            log.failure(failure("10.0.0." + (i + 1), 1000 + i, "Unknown user"), null); // five addresses
        }
        assertThat(lines()).hasSize(2 + 5);
    }

    @Test
    void debugWritesEveryFailure() {
        UnauthenticatedLog log = new UnauthenticatedLog(sink, "UDP", false, 5, 10, true);
        for (int i = 0; i < 50; i++) {
            log.failure(failure("10.0.0.2", 40000, "Unknown user"), opening(1));
        }
        assertThat(lines()).hasSize(50);
    }
}
