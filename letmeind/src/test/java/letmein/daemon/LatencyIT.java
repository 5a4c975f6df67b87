package letmein.daemon;

import static letmein.proto.session.SessionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import letmein.proto.config.ErrorPolicy;
import letmein.proto.wire.Message;
import letmein.proto.wire.Operation;
import org.junit.jupiter.api.Test;
import letmein.daemon.policy.*;
import letmein.daemon.systemd.*;
import letmein.daemon.transport.*;
import letmein.proto.daemon.*;
import letmein.proto.session.*;

/**
 * Measures full knock latency on loopback (KNOCK → CHALLENGE → RESPONSE → letmeinfwd stand-in ACK →
 * COMEIN) over TCP and UDP and reports the numbers; performance is reported, never asserted.
 * Results also go to {@code target/latency.txt}.
 */
class LatencyIT {
    private static final int WARMUP = 200;
    private static final int RUNS = 500;

    @Test
    void handshakeLatencyOnLoopback() throws Exception {
        try (Harness h = new Harness(SessionFixtures.config(ErrorPolicy.BASIC_AUTH))) {
            String tcp = measure(h, false);
            String udp = measure(h, true);
            String report = "loopback full knock, " + RUNS + " runs after " + WARMUP + " warm-up, in-process "
                    + h.server.transportName() + "\n" + tcp + "\n" + udp + "\n";
            System.out.print(report);
            Files.writeString(Path.of("target/latency.txt"), report, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            assertThat(h.fwd.requests()).hasSize(2 * (WARMUP + RUNS));
        }
    }

    private static String measure(Harness h, boolean udp) throws Exception {
        long[] us = new long[RUNS];
        for (int i = 0; i < WARMUP + RUNS; i++) {
            long t0 = System.nanoTime();
            knock(h, udp);
            long t = (System.nanoTime() - t0) / 1000;
            if (i >= WARMUP) {
                us[i - WARMUP] = t;
            }
        }
        Arrays.sort(us);
        return String.format("%s: median %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms", udp ? "UDP" : "TCP",
                us[RUNS / 2] / 1000.0, us[RUNS * 9 / 10] / 1000.0, us[RUNS * 99 / 100] / 1000.0,
                us[RUNS - 1] / 1000.0);
    }

    private static void knock(Harness h, boolean udp) throws IOException, Exception {
        if (udp) {
            try (TestClient.Udp u = h.udp(Harness.V4, 3000)) {
                u.send(TestClient.knock(KEY, USER, PORT42));
                Message ch = u.receive().orElseThrow();
                u.send(TestClient.response(KEY, ch));
                assertThat(u.receive().orElseThrow().operation()).isEqualTo(Operation.COMEIN);
            }
        } else {
            try (TestClient.Tcp c = h.tcp(Harness.V4)) {
                c.send(TestClient.knock(KEY, USER, PORT42));
                Message ch = c.receive().orElseThrow();
                c.send(TestClient.response(KEY, ch));
                assertThat(c.receive().orElseThrow().operation()).isEqualTo(Operation.COMEIN);
            }
        }
    }
}
